package org.level4j.etcd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * Options of an {@link EtcdLevel}: credentials, TLS, how long to wait for the cluster, and the
 * cluster's limits. Immutable; start from {@link #defaults()} or {@link #builder()}.
 *
 * <p>The limits are checked before a request is sent, so that a batch too large for the cluster
 * fails whole with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED} and a message naming the limit. They
 * default to etcd's own defaults; set them to what the cluster runs with if it was started with
 * other {@code --max-request-bytes} or {@code --max-txn-ops}.
 */
public final class EtcdOptions {
  /** etcd's default {@code --max-request-bytes}: 1.5 MiB. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1536 * 1024;
  /** etcd's default {@code --max-txn-ops}. */
  public static final int DEFAULT_MAX_TXN_OPS = 128;

  private static final EtcdOptions DEFAULTS = new Builder().build();

  private final String user;
  private final String password;
  private final Path trustCertificates;
  private final Path clientCertificate;
  private final Path clientKey;
  private final String authority;
  private final Duration requestTimeout;
  private final Duration connectTimeout;
  private final int maxRequestBytes;
  private final int maxTxnOps;
  private final int iteratorPageSize;

  private EtcdOptions(Builder b) {
    this.user = b.user;
    this.password = b.password;
    this.trustCertificates = b.trustCertificates;
    this.clientCertificate = b.clientCertificate;
    this.clientKey = b.clientKey;
    this.authority = b.authority;
    this.requestTimeout = b.requestTimeout;
    this.connectTimeout = b.connectTimeout;
    this.maxRequestBytes = b.maxRequestBytes;
    this.maxTxnOps = b.maxTxnOps;
    this.iteratorPageSize = b.iteratorPageSize;
  }

  /**
   * No credentials, plain connections, a 10 second request timeout and etcd's default limits.
   *
   * @return the default options
   */
  public static EtcdOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A builder that starts from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these options.
   *
   * @return a new builder with these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.user = user;
    b.password = password;
    b.trustCertificates = trustCertificates;
    b.clientCertificate = clientCertificate;
    b.clientKey = clientKey;
    b.authority = authority;
    b.requestTimeout = requestTimeout;
    b.connectTimeout = connectTimeout;
    b.maxRequestBytes = maxRequestBytes;
    b.maxTxnOps = maxTxnOps;
    b.iteratorPageSize = iteratorPageSize;
    return b;
  }

  /**
   * The etcd user to authenticate as, or {@code null} for none.
   *
   * @return the user, or {@code null}
   */
  public String user() {
    return user;
  }

  /**
   * The password of {@link #user()}, or {@code null}.
   *
   * @return the password, or {@code null}
   */
  public String password() {
    return password;
  }

  /**
   * PEM file of the certificates that sign the cluster's server certificates, or {@code null} to
   * trust the JVM's default authorities. Use {@code https://} endpoints with TLS.
   *
   * @return the trusted certificates file, or {@code null}
   */
  public Path trustCertificates() {
    return trustCertificates;
  }

  /**
   * PEM file of this client's certificate chain, for a cluster that asks clients for one
   * ({@code --client-cert-auth}), or {@code null}.
   *
   * @return the client certificate file, or {@code null}
   */
  public Path clientCertificate() {
    return clientCertificate;
  }

  /**
   * PEM file of the PKCS#8 private key of {@link #clientCertificate()}, or {@code null}.
   *
   * @return the client key file, or {@code null}
   */
  public Path clientKey() {
    return clientKey;
  }

  /**
   * The host name to check the servers' certificates against when it is not the endpoints' own,
   * or {@code null}.
   *
   * @return the TLS authority, or {@code null}
   */
  public String authority() {
    return authority;
  }

  /**
   * Whether connections use TLS: true once any TLS option is set.
   *
   * @return true for TLS
   */
  public boolean tls() {
    return trustCertificates != null || clientCertificate != null || authority != null;
  }

  /**
   * How long an operation may wait for the cluster before it fails with {@link
   * ErrorCode#LEVEL_CONNECTION_LOST}: while a majority of the members is unreachable, every
   * operation fails after this long instead of waiting for the cluster to come back. Default: 10
   * seconds.
   *
   * @return the longest wait of one operation
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * How long opening waits to reach the cluster. Default: 10 seconds.
   *
   * @return the longest wait of an open
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * The most bytes one request may carry: the cluster's {@code --max-request-bytes}. Default:
   * {@value #DEFAULT_MAX_REQUEST_BYTES}.
   *
   * @return the request size limit, in bytes
   */
  public int maxRequestBytes() {
    return maxRequestBytes;
  }

  /**
   * The most operations one transaction may hold: the cluster's {@code --max-txn-ops}. A batch
   * may thus hold this many puts and dels, and this many preconditions. Default: {@value
   * #DEFAULT_MAX_TXN_OPS}.
   *
   * @return the operation limit of one transaction
   */
  public int maxTxnOps() {
    return maxTxnOps;
  }

  /**
   * The most entries an iterator fetches in one request (fewer when they are large). Default:
   * 500.
   *
   * @return entries per page of an iterator
   */
  public int iteratorPageSize() {
    return iteratorPageSize;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EtcdOptions)) {
      return false;
    }
    EtcdOptions e = (EtcdOptions) o;
    return Objects.equals(user, e.user) && Objects.equals(password, e.password)
        && Objects.equals(trustCertificates, e.trustCertificates)
        && Objects.equals(clientCertificate, e.clientCertificate)
        && Objects.equals(clientKey, e.clientKey) && Objects.equals(authority, e.authority)
        && requestTimeout.equals(e.requestTimeout) && connectTimeout.equals(e.connectTimeout)
        && maxRequestBytes == e.maxRequestBytes && maxTxnOps == e.maxTxnOps
        && iteratorPageSize == e.iteratorPageSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(user, password, trustCertificates, clientCertificate, clientKey,
        authority, requestTimeout, connectTimeout, maxRequestBytes, maxTxnOps, iteratorPageSize);
  }

  @Override
  public String toString() {
    return "EtcdOptions[user=" + user + (password == null ? "" : ", password=***")
        + ", tls=" + tls() + ", requestTimeout=" + requestTimeout + ", connectTimeout="
        + connectTimeout + ", maxRequestBytes=" + maxRequestBytes + ", maxTxnOps=" + maxTxnOps
        + ", iteratorPageSize=" + iteratorPageSize + "]";
  }

  /** Builds {@link EtcdOptions}; each setter documents its option on {@link EtcdOptions}. */
  public static final class Builder {
    private String user;
    private String password;
    private Path trustCertificates;
    private Path clientCertificate;
    private Path clientKey;
    private String authority;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private int maxTxnOps = DEFAULT_MAX_TXN_OPS;
    private int iteratorPageSize = 500;

    private Builder() {}

    /**
     * Authenticates as {@code user} with {@code password} (etcd's {@code auth enable}); see {@link
     * EtcdOptions#user()} and {@link EtcdOptions#password()}.
     *
     * @param user the etcd user, not {@code null}
     * @param password its password, not {@code null}
     * @return this builder
     */
    public Builder auth(String user, String password) {
      this.user = given(user, "auth's user", "leave auth unset for no authentication");
      this.password = given(password, "auth's password", "give the user's etcd password");
      return this;
    }

    /**
     * Trusts the certificates in {@code pemFile} to sign the servers' certificates; see {@link
     * EtcdOptions#trustCertificates()}.
     *
     * @param pemFile a PEM file of CA certificates, not {@code null}
     * @return this builder
     */
    public Builder trustCertificates(Path pemFile) {
      this.trustCertificates = given(pemFile, "trustCertificates",
          "leave it unset to trust the JVM's default authorities");
      return this;
    }

    /**
     * Presents {@code certificate} to the servers, for clusters that authenticate clients by
     * certificate; see {@link EtcdOptions#clientCertificate()} and {@link
     * EtcdOptions#clientKey()}.
     *
     * @param certificate a PEM file of this client's certificate chain, not {@code null}
     * @param key a PEM file of its PKCS#8 private key, not {@code null}
     * @return this builder
     */
    public Builder clientCertificate(Path certificate, Path key) {
      this.clientCertificate = given(certificate, "clientCertificate's certificate",
          "leave it unset for a cluster that does not ask clients for certificates");
      this.clientKey = given(key, "clientCertificate's key",
          "give the PEM file of the certificate's PKCS#8 private key");
      return this;
    }

    /**
     * Checks the servers' certificates against {@code host} instead of the endpoints' host; see
     * {@link EtcdOptions#authority()}.
     *
     * @param host the name the server certificates carry, not {@code null}
     * @return this builder
     */
    public Builder authority(String host) {
      this.authority = given(host, "authority",
          "leave it unset to check certificates against the endpoints' host");
      return this;
    }

    /**
     * See {@link EtcdOptions#requestTimeout()}.
     *
     * @param timeout the longest wait of one operation, positive
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * See {@link EtcdOptions#connectTimeout()}.
     *
     * @param timeout the longest wait of an open, positive
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * See {@link EtcdOptions#maxRequestBytes()}.
     *
     * @param bytes the cluster's {@code --max-request-bytes}
     * @return this builder
     */
    public Builder maxRequestBytes(int bytes) {
      this.maxRequestBytes = atLeast(bytes, 1024, "maxRequestBytes");
      return this;
    }

    /**
     * See {@link EtcdOptions#maxTxnOps()}.
     *
     * @param ops the cluster's {@code --max-txn-ops}
     * @return this builder
     */
    public Builder maxTxnOps(int ops) {
      this.maxTxnOps = atLeast(ops, 2, "maxTxnOps");
      return this;
    }

    /**
     * See {@link EtcdOptions#iteratorPageSize()}.
     *
     * @param entries entries per page, at least 1
     * @return this builder
     */
    public Builder iteratorPageSize(int entries) {
      this.iteratorPageSize = atLeast(entries, 1, "iteratorPageSize");
      return this;
    }

    /**
     * The options.
     *
     * @return the options
     */
    public EtcdOptions build() {
      return new EtcdOptions(this);
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            what + " must be a positive duration, got " + d);
      }
      return d;
    }

    private static <T> T given(T value, String what, String instead) {
      if (value == null) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            what + " must not be null (" + instead + ")");
      }
      return value;
    }

    private static int atLeast(int v, int min, String what) {
      if (v < min) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            what + " must be at least " + min + ", got " + v);
      }
      return v;
    }
  }
}
