// Draws the figures of one bench/compare-rave.sh run as an SVG chart, from the run's results
// (a TSV of role, system, pair, phase, figure: ops/s, or ms for the failover outages).
//
// Usage: node bench/chart.js RESULTS.tsv OUT.svg [SUBTITLE]
//
// Throughput: for each role and phase, the ratio level4j / rave-level of each pair, on a log
// scale: a dot at the median, a line from the lowest to the highest pair, a tick at the target.
// Failover: each follower's outage in ms, level4j and rave-level: a bar to the median, a line to
// the maximum, and the target as a dashed line.
'use strict'
const fs = require('fs')

const [file, out, subtitle = ''] = process.argv.slice(2)
if (!file || !out) {
  console.error('usage: node bench/chart.js RESULTS.tsv OUT.svg [SUBTITLE]')
  process.exit(64)
}
const rows = fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
  const [role, system, pair, phase, figure] = l.split('\t')
  return { role, system, pair: +pair, phase, figure: +figure }
})

const PHASES = ['put_seq', 'get_seq', 'batch_put_1000', 'scan_nextv1000', 'put_window64', 'get_window64']
const ROLES = { follower: 'follower', leader: 'leader', followers: 'leader + followers' }
const TARGETS = {
  follower: { put_seq: 5, get_seq: 5, put_window64: 4, get_window64: 4, batch_put_1000: 2, scan_nextv1000: 3 },
  leader: { put_seq: 2, get_seq: 2, put_window64: 2, get_window64: 2, batch_put_1000: 1.5, scan_nextv1000: 2 },
  followers: { put_seq: 4 }
}
const OUTAGES = [['outage_takeover', 'took over', 20], ['outage_stayed', 'stayed', 25]]

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;')

// ---- the figures ----------------------------------------------------------------------------
const ratios = []
for (const role of Object.keys(ROLES)) {
  for (const phase of PHASES) {
    const of = (system) => rows.filter((r) => r.role === role && r.phase === phase && r.system === system)
    const a = of('level4j')
    const b = of('rave-level')
    const each = []
    for (const x of a) {
      const y = b.find((r) => r.pair === x.pair)
      if (y && y.figure > 0) each.push(x.figure / y.figure)
    }
    if (each.length) {
      ratios.push({ label: `${ROLES[role]} ${phase}`, median: median(each), min: Math.min(...each),
        max: Math.max(...each), target: TARGETS[role][phase] })
    }
  }
}
const outages = []
for (const [phase, name, target] of OUTAGES) {
  for (const system of ['level4j', 'rave-level']) {
    const ms = rows.filter((r) => r.role === 'failover' && r.phase === phase && r.system === system)
      .map((r) => r.figure)
    if (ms.length) outages.push({ label: `${name}: ${system}`, system, median: median(ms), max: Math.max(...ms), n: ms.length, target })
  }
}

// ---- the drawing ----------------------------------------------------------------------------
const W = 900
const LEFT = 230
const RIGHT = 60
const ROW = 22
const plot = W - LEFT - RIGHT
const parts = []
let y = 30
parts.push(`<text x="${W / 2}" y="${y}" class="title">level4j against rave-level</text>`)
y += 18
if (subtitle) parts.push(`<text x="${W / 2}" y="${y}" class="sub">${esc(subtitle)}</text>`)
y += 20

if (ratios.length) {
  const lo = Math.min(0.5, ...ratios.map((r) => r.min))
  const hi = Math.max(10, ...ratios.map((r) => r.max), ...ratios.map((r) => r.target || 0))
  const x = (v) => LEFT + plot * (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))
  parts.push(`<text x="${LEFT}" y="${y}" class="head">Throughput: level4j / rave-level, per pair (dot: median; line: lowest to highest; tick: target)</text>`)
  y += 14
  const top = y
  const bottom = top + ratios.length * ROW
  for (const v of [0.5, 1, 2, 5, 10, 20, 50].filter((v) => v >= lo && v <= hi)) {
    parts.push(`<line x1="${x(v)}" y1="${top}" x2="${x(v)}" y2="${bottom}" class="${v === 1 ? 'one' : 'grid'}"/>`)
    parts.push(`<text x="${x(v)}" y="${bottom + 14}" class="tick">${v}×</text>`)
  }
  ratios.forEach((r, i) => {
    const cy = top + i * ROW + ROW / 2
    const met = r.target === undefined || r.median >= r.target
    parts.push(`<text x="${LEFT - 8}" y="${cy + 4}" class="label">${esc(r.label)}</text>`)
    parts.push(`<line x1="${x(r.min)}" y1="${cy}" x2="${x(r.max)}" y2="${cy}" class="range"/>`)
    if (r.target !== undefined) {
      parts.push(`<line x1="${x(r.target)}" y1="${cy - 7}" x2="${x(r.target)}" y2="${cy + 7}" class="target"/>`)
    }
    parts.push(`<circle cx="${x(r.median)}" cy="${cy}" r="5" class="${met ? 'met' : 'missed'}"/>`)
    parts.push(`<text x="${x(r.max) + 8}" y="${cy + 4}" class="value">${r.median.toFixed(2)}×</text>`)
  })
  y = bottom + 40
}

if (outages.length) {
  const hi = Math.max(...outages.map((o) => o.max), ...outages.map((o) => o.target)) * 1.1
  const x = (v) => LEFT + plot * v / hi
  parts.push(`<text x="${LEFT}" y="${y}" class="head">Failover: each follower's outage, ms (bar: median; line: to the maximum; dashed: target)</text>`)
  y += 14
  const top = y
  const bottom = top + outages.length * ROW
  const step = hi > 200 ? 50 : hi > 100 ? 25 : 10
  for (let v = 0; v <= hi; v += step) {
    parts.push(`<line x1="${x(v)}" y1="${top}" x2="${x(v)}" y2="${bottom}" class="grid"/>`)
    parts.push(`<text x="${x(v)}" y="${bottom + 14}" class="tick">${v}</text>`)
  }
  outages.forEach((o, i) => {
    const cy = top + i * ROW + ROW / 2
    parts.push(`<text x="${LEFT - 8}" y="${cy + 4}" class="label">${esc(o.label)} (n=${o.n})</text>`)
    parts.push(`<rect x="${LEFT}" y="${cy - 7}" width="${x(o.median) - LEFT}" height="14" class="${o.system === 'level4j' ? 'l4j' : 'rave'}"/>`)
    parts.push(`<line x1="${x(o.median)}" y1="${cy}" x2="${x(o.max)}" y2="${cy}" class="range"/>`)
    parts.push(`<line x1="${x(o.target)}" y1="${cy - 9}" x2="${x(o.target)}" y2="${cy + 9}" class="goal"/>`)
    parts.push(`<text x="${x(o.max) + 8}" y="${cy + 4}" class="value">${o.median.toFixed(1)} / ${o.max.toFixed(1)}</text>`)
  })
  y = bottom + 30
}

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}">
<style>
text { font-family: sans-serif; font-size: 12px; fill: #222; }
.title { font-size: 16px; font-weight: bold; text-anchor: middle; }
.sub { text-anchor: middle; fill: #555; }
.head { font-weight: bold; }
.label { text-anchor: end; }
.tick { text-anchor: middle; fill: #666; font-size: 10px; }
.value { fill: #333; font-size: 11px; }
.grid { stroke: #ddd; }
.one { stroke: #888; stroke-width: 1.5; }
.range { stroke: #555; stroke-width: 2; }
.target { stroke: #c60; stroke-width: 2; }
.goal { stroke: #c60; stroke-width: 2; stroke-dasharray: 3 2; }
.met { fill: #2a7; }
.missed { fill: #d33; }
.l4j { fill: #2a7; }
.rave { fill: #89a; }
</style>
<rect width="100%" height="100%" fill="white"/>
${parts.join('\n')}
</svg>
`
fs.writeFileSync(out, svg)
console.log(`chart: ${out}`)
