#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A screen reader's load on the app: listens to the events Orca listens
to and walks the whole accessible tree of every application over and over,
reading each object's name, role, states and actions, until SIGTERM.
Prints how many objects it read, so a run that read nothing fails."""
import os
import re
import signal
import sys
import warnings

import gi
gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402

# Debian 12's bindings call the action interface deprecated; it is what is there.
warnings.simplefilter("ignore", DeprecationWarning)

read = 0
events = 0
# Every object read, as "role<TAB>name<TAB>actions"; XA_READER_DUMP=FILE
# writes them out.
seen = set()
dump = os.environ.get("XA_READER_DUMP")
# What a person would hear wrongly: a control without a name, one named
# after its widget class, or one whose name says its label twice (GTK 4.8
# did that for mnemonic buttons: "_Add Device Add Device"); a chooser with
# no action.
# Images are left out: libadwaita 1.2 shows decorative ones of its own
# without a name (an entry row's pencil, a password entry's eye).
CONTROLS = {"push button", "toggle button", "check box", "radio button", "entry", "password text",
            "combo box", "link", "spin button", "slider", "menu item"}


def misheard(role, name, actions):
    if role not in CONTROLS:
        return None
    # A chooser a screen reader cannot open is one it cannot use.
    if role == "combo box" and not actions:
        return "nothing to do with it (no action)"
    # An icon-only button shows as "GtkImage": the window test checks the
    # app's own for a name (GTK_A11Y=test); libadwaita 1.2 has one now and
    # then, in a plain box, that is not the app's.
    if not name or (name.startswith(("Gtk", "Adw")) and not (role == "push button" and name == "GtkImage")):
        return "no name of its own"
    for middle in [m.start() for m in re.finditer(" ", name)]:
        first, second = name[:middle], name[middle + 1:]
        if first.replace("_", "") == second:
            return "its label twice"
    return None


def visit(obj, depth, parent=""):
    global read
    if obj is None or depth > 60:
        return
    try:
        name = obj.get_name()
        role = obj.get_role_name()
        obj.get_state_set()
        actions = []
        action = obj.get_action_iface()
        if action is not None:
            for i in range(action.get_n_actions()):
                actions.append(action.get_action_name(i))
        read += 1
        seen.add("%s\t%s\t%s\t%s" % (role, name, ",".join(actions), parent))
        for i in range(obj.get_child_count()):
            visit(obj.get_child_at_index(i), depth + 1, "%s “%s”" % (role, name))
    except GLib.Error:
        pass  # it went away while being read: that is the point


def walk():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        visit(desktop.get_child_at_index(i), 0)
    return GLib.SOURCE_CONTINUE


def on_event(event):
    global events
    events += 1
    try:
        # What a reader does with an event: read its source.
        event.source.get_name()
        event.source.get_role()
    except (GLib.Error, AttributeError):
        pass


def stop(*_):
    print(f"atspi-reader: read {read} objects, {events} events", flush=True)
    if dump:
        with open(dump, "w") as f:
            f.write("\n".join(sorted(seen)) + "\n")
    loop.quit()


Atspi.init()
listener = Atspi.EventListener.new(on_event)
for kind in ("object:children-changed", "object:state-changed", "object:property-change",
             "object:text-changed", "object:active-descendant-changed", "window:", "focus:"):
    listener.register(kind)
loop = GLib.MainLoop()
GLib.timeout_add(20, walk)
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, stop)
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, stop)
loop.run()
wrong = []
for line in sorted(seen):
    role, name, actions, parent = line.split("\t")
    why = misheard(role, name, actions)
    if why:
        wrong.append(f"{role} “{name}” in {parent}: {why}")
for w in wrong:
    print("atspi-reader: " + w, flush=True)
sys.exit(0 if read > 0 and not wrong else 1)
