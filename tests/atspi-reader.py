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


def misheard(role, name, actions, states, gtks):
    # An expander row's header says it opens, and can be opened.
    if role == "list item" and "expandable" in states and not actions:
        return "expandable, with nothing to do with it (no action)"
    if role not in CONTROLS:
        return None
    # Inside GTK 4.8's own file chooser, unnamed path bar, column header and
    # menu buttons and a filter drop-down without an action are GTK's (the
    # README lists them); its doubled button names are fixed, and checked.
    if gtks and not name.startswith("_") and "_" not in name:
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
        # "_Close Close", or a label and its row's title ("Hello timeout in
        # seconds Hello timeout").
        if first.replace("_", "") == second or (len(second) > 3 and first.startswith(second)):
            return "its label twice"
    return None


def visit(obj, depth, parent="", in_chooser=False):
    global read
    if obj is None or depth > 60:
        return
    try:
        name = obj.get_name()
        role = obj.get_role_name()
        states = [Atspi.StateType(s).value_nick for s in obj.get_state_set().get_states()]
        actions = []
        action = obj.get_action_iface()
        if action is not None:
            for i in range(action.get_n_actions()):
                actions.append(action.get_action_name(i))
        read += 1
        in_chooser = in_chooser or name == "GtkFileChooserWidget"
        seen.add("%s\t%s\t%s\t%s\t%s\t%s" % (role, name.replace("\t", " ").replace("\n", " "), ",".join(actions),
                                             ",".join(sorted(states)), parent, "gtk" if in_chooser else ""))
        for i in range(obj.get_child_count()):
            visit(obj.get_child_at_index(i), depth + 1, "%s “%s”" % (role, name), in_chooser)
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
# An object is judged by all of its readings: one read while it was being
# built or torn down (no actions yet, or no more) is not what a person meets
# once it is there.
actions_of = {}
for line in seen:
    role, name, actions, states, parent, gtks = line.split("\t")
    actions_of.setdefault((role, name, parent), set()).update(a for a in actions.split(",") if a)
wrong = []
for line in sorted(seen):
    role, name, actions, states, parent, gtks = line.split("\t")
    actions = ",".join(sorted(actions_of[(role, name, parent)]))
    why = misheard(role, name, actions, states.split(","), gtks == "gtk")
    if why:
        wrong.append(f"{role} “{name}” in {parent}: {why}")
wrong = sorted(set(wrong))
# The app's expander rows (Advanced, Recent Tests) were read as such.
if not any(line.split("\t")[0] == "list item" and "expandable" in line.split("\t")[3] for line in seen):
    wrong.append("no list item is expandable: the expander rows do not say they open")
for w in wrong:
    print("atspi-reader: " + w, flush=True)
sys.exit(0 if read > 0 and not wrong else 1)
