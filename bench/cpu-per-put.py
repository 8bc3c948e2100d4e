#!/usr/bin/env python3
"""CPU per put of each process of `level4j bench --followers K`, from /proc (Linux).

Runs the processes of `bench --followers` itself (an idle leader, K followers doing N sequential
puts each, started together), on the JVM flags `./level4j bench --followers` gives them, from the
build of the checkout CHECKOUT (run `./level4j --version` there first). Wall-clock rates move with
whatever else the machine runs; the CPU a put costs moves much less, so this is what to compare
between two checkouts on a busy machine (alternate them: A B A B).

Per process: utime + stime of /proc/PID/stat from the start signal to the follower's RESULT line
(a follower exits right after it) or, for the leader, to the last follower's. The leader's CPU is
divided by all puts (K x N), a follower's by its own N. With --threads, the same per thread name
(digits folded to #), from se.sum_exec_runtime in /proc/PID/task/TID/sched, sampled every 50 ms so
that threads which end before the last look (a host's session ends with its follower) still count.
With --syscalls PREFIX, `perf stat` counts system calls, context switches and wake-ups per process
into PREFIX.leader, PREFIX.f1, ... (needs perf and the right to trace those processes).

Usage: bench/cpu-per-put.py CHECKOUT [--followers K] [--n N] [--threads] [--syscalls PREFIX]
         [--java-opts "FLAGS"] [--label TEXT]
Prints one JSON line: total ops/s, leader and follower CPU in microseconds per put, and their
sum (the leader's share plus the followers' mean: the CPU the machine spent on one put).
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('checkout')
ap.add_argument('--followers', type=int, default=4)
ap.add_argument('--n', type=int, default=40000, help='puts per follower (default 40000)')
ap.add_argument('--threads', action='store_true', help='also CPU per put by thread name')
ap.add_argument('--syscalls', metavar='PREFIX', help='perf stat counts per process into PREFIX.*')
ap.add_argument('--java-opts', default='', help='extra JVM flags, as LEVEL4J_JAVA_OPTS')
ap.add_argument('--label', default='')
a = ap.parse_args()

target = os.path.join(a.checkout, 'level4j-cli', 'target')
classpath = open(os.path.join(target, 'classpath.txt')).read().strip()
native = os.path.join(target, 'native',
                      re.search(r'/(rocksdbjni-[^/:]*)\.jar(:|$)', classpath).group(1))
# As ./level4j gives bench --followers (leader_opts there).
jvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmn16m']
thp = '/sys/kernel/mm/transparent_hugepage/enabled'
if os.path.exists(thp) and re.search(r'\[(always|madvise)\]', open(thp).read()):
    jvm.append('-XX:+UseTransparentHugePages')
jvm += ['-Dlevel4j.native.dir=' + native, '-Djava.library.path=' + native] + a.java_opts.split()
worker = ['java'] + jvm + ['-cp', os.path.join(target, 'level4j-cli.jar') + ':' + classpath,
                           'org.level4j.cli.BenchWorker']
TICK = os.sysconf('SC_CLK_TCK')


class Worker:
    def __init__(self, *args):
        self.p = subprocess.Popen(worker + list(args), stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, bufsize=1)
        self.pid = self.p.pid

    def wait(self, prefix):
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise SystemExit('worker %d ended before %s' % (self.pid, prefix.strip()))
            if line.startswith(prefix):
                return line.strip()

    def say(self, line):
        self.p.stdin.write(line + '\n')
        self.p.stdin.flush()


def cpu_micros(pid):
    """utime + stime of a process, in microseconds."""
    fields = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1e6 / TICK


def thread_micros(pid):
    """{tid: (name, CPU in microseconds)} of a process's live threads."""
    out = {}
    for tid in os.listdir('/proc/%d/task' % pid):
        try:
            name = open('/proc/%d/task/%s/comm' % (pid, tid)).read().strip()
            for line in open('/proc/%d/task/%s/sched' % (pid, tid)):
                if line.startswith('se.sum_exec_runtime'):
                    out[tid] = (name, float(line.split(':')[1]) * 1000)  # ms
        except OSError:
            pass  # ended meanwhile
    return out


db = tempfile.mkdtemp(prefix='level4j-cpu-per-put-')
procs = []
try:
    leader = Worker('hold', db)
    procs.append(leader)
    if 'leader' not in leader.wait('ROLE '):
        raise SystemExit('the first process did not lead ' + db)
    leader.wait('READY')
    followers = []
    for k in range(1, a.followers + 1):
        followers.append(Worker('put', db, 'w%02d' % k, str(a.n)))
    procs += followers
    for f in followers:
        if 'follower' not in f.wait('ROLE '):
            raise SystemExit('a worker became leader before the start')
        f.wait('READY')

    counters = []
    if a.syscalls:
        events = ','.join(['raw_syscalls:sys_enter', 'context-switches', 'sched:sched_wakeup'] +
                          ['syscalls:sys_enter_' + s for s in
                           ('read', 'write', 'epoll_wait', 'futex', 'sched_yield')])
        for i, w in enumerate(procs):
            counters.append(subprocess.Popen(
                ['perf', 'stat', '-x', ',', '-e', events, '-p', str(w.pid), '-o',
                 '%s.%s' % (a.syscalls, 'leader' if i == 0 else 'f%d' % i)]))
        time.sleep(1)

    start = [cpu_micros(w.pid) for w in procs]
    threads_start = [thread_micros(w.pid) for w in procs]
    end = [None] * len(procs)
    results = [None] * len(followers)
    last_seen = [dict() for _ in procs]  # tid -> (name, CPU) at the latest look
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            for i, w in enumerate(procs):
                try:
                    last_seen[i].update(thread_micros(w.pid))
                except OSError:
                    pass
            stop.wait(0.05)

    def finish(k):
        line = followers[k].wait('RESULT ')
        if counters:
            counters[k + 1].send_signal(2)
        end[k + 1] = cpu_micros(followers[k].pid)  # at once: the worker exits right after RESULT
        results[k] = json.loads(line[len('RESULT '):])

    sampler = threading.Thread(target=sample)
    sampler.start()
    waiters = [threading.Thread(target=finish, args=(k,)) for k in range(len(followers))]
    for f in followers:
        f.say('GO')
    for t in waiters:
        t.start()
    for t in waiters:
        t.join()
    end[0] = cpu_micros(leader.pid)
    last_seen[0].update(thread_micros(leader.pid))
    if counters:
        counters[0].send_signal(2)
    for c in counters:
        c.wait()
    stop.set()
    sampler.join()

    puts = a.followers * a.n
    first = min(r['startMicros'] for r in results)
    last = max(r['endMicros'] for r in results)
    used = [e - s for s, e in zip(start, end)]
    print(json.dumps({
        'label': a.label,
        'total_ops': round(puts / ((last - first) / 1e6)),
        'leader_us_per_put': round(used[0] / puts, 1),
        'follower_us_per_put': [round(u / a.n, 1) for u in used[1:]],
        'sum_us_per_put': round(used[0] / puts + sum(used[1:]) / puts, 1),
        'load1': os.getloadavg()[0]}), flush=True)
    if a.threads:
        for i in range(len(procs)):
            by_name = collections.Counter()
            for tid, (name, micros) in last_seen[i].items():
                by_name[re.sub(r'\d+', '#', name)] += micros - threads_start[i].get(tid, (name, 0))[1]
            per = puts if i == 0 else a.n
            print('  %-7s %s' % ('leader' if i == 0 else 'f%d' % i, ', '.join(
                '%s=%.2f' % (name, micros / per) for name, micros in by_name.most_common()
                if micros / per >= 0.01)), flush=True)
finally:
    for w in procs:
        try:
            w.p.stdin.close()
        except OSError:
            pass
    for w in procs:
        try:
            w.p.wait(30)
        except subprocess.TimeoutExpired:
            w.p.kill()
    shutil.rmtree(db, ignore_errors=True)
