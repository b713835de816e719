#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A screen reader's load on the app: listens to the events Orca listens
to and walks the whole accessible tree of every application over and over,
reading each object's name, role, states and actions, until SIGTERM.
Prints how many objects it read, so a run that read nothing fails."""
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


def visit(obj, depth):
    global read
    if obj is None or depth > 60:
        return
    try:
        obj.get_name()
        obj.get_role()
        obj.get_state_set()
        action = obj.get_action_iface()
        if action is not None:
            for i in range(action.get_n_actions()):
                action.get_action_name(i)
        read += 1
        for i in range(obj.get_child_count()):
            visit(obj.get_child_at_index(i), depth + 1)
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
sys.exit(0 if read > 0 else 1)
