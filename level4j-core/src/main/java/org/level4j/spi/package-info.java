/**
 * The service-provider interface: what a storage engine implements to become a level4j
 * {@link org.level4j.Database}. Applications do not need this package.
 */
package org.level4j.spi;
