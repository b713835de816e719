#!/usr/bin/python3
"""Runs every case of every GLib test program alone, as its meson test runs
it (the same command, wrappers and environment, read from `meson introspect
--tests`, with `-p PATH` for that one case), and fails unless each ran
exactly that case and passed: no case may need another to run first.

Slow (a few minutes), so not part of build-aux/test.sh: run it after
changing a fixture or the order of a test program's cases, from the
source folder, under a display (xvfb-run -a) and a session bus
(dbus-run-session):

    xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- \\
        build-aux/each-alone.py [BUILDDIR [TEST…]]
"""
import json
import os
import subprocess
import sys

build = sys.argv[1] if len(sys.argv) > 1 else '_build'
wanted = set(sys.argv[2:])
tests = json.loads(subprocess.run(['meson', 'introspect', '--tests'], cwd=build,
                                  check=True, capture_output=True, text=True).stdout)
failed = 0
for test in tests:
    if test['protocol'] != 'tap' or (wanted and test['name'] not in wanted):
        continue
    cmd = test['cmd']
    program = next((c for c in cmd if os.path.basename(c).startswith('test-')), None)
    if program is None:
        continue
    env = dict(os.environ, **test['env'])
    # The suite's own selection (-p PREFIX) gives way to the one case.
    base, skip = [], False
    for c in cmd:
        if skip:
            skip = False
        elif c == '-p':
            skip = True
        else:
            base.append(c)
    # Its wrappers and the program, asked for its cases.
    listed = subprocess.run(base[:base.index(program) + 1] + ['-l'],
                            cwd=build, env=env, capture_output=True, text=True).stdout
    prefix = cmd[cmd.index('-p') + 1] if '-p' in cmd else '/'
    # As GLib matches -p: the path itself, or a path below it.
    paths = [line for line in listed.splitlines()
             if (line == prefix or line.startswith(prefix.rstrip('/') + '/')) and not line.endswith('/subprocess')]
    if not paths:
        print(f'FAIL {test["name"]}: no cases listed')
        failed = 1
    for path in paths:
        run = subprocess.run(base + ['-p', path], cwd=build, env=env, capture_output=True, text=True)
        lines = run.stdout.splitlines()
        if run.returncode == 0 and '1..1' in lines and f'ok 1 {path}' in lines:
            print(f'ok   {test["name"]} {path}')
        else:
            print(f'FAIL {test["name"]} {path}\n' + run.stdout[-3000:] + run.stderr[-2000:])
            failed = 1
sys.exit(failed)
