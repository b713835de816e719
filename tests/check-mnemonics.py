#!/usr/bin/env python3
"""What is on screen at once (one .ui file, or one page of a stack in it)
has no two mnemonics on the same letter, in English and in every language
of po/LINGUAS: Alt+letter must reach one control."""
import os
import re
import sys
import xml.etree.ElementTree as ET

src = sys.argv[1]
ui_dir = os.path.join(src, "src", "ui")


def mnemonic(text):
    m = re.search(r"_([^_\s])", text)
    return m.group(1).lower() if m else None


def read_po(path):
    """msgid -> msgstr of a .po file (single-line or continued strings)."""
    table, key, cur, field = {}, None, [], None
    def flush():
        if field == "msgstr" and key is not None:
            table[key] = "".join(cur)
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("msgid "):
            flush()
            field, key, cur = "msgid", None, [eval(line[6:])]
        elif line.startswith("msgstr "):
            key, field, cur = "".join(cur), "msgstr", [eval(line[7:])]
        elif line.startswith('"') and field:
            cur.append(eval(line))
    flush()
    return table


STACK_PAGES = ("GtkStackPage", "AdwViewStackPage")


def screens(path):
    """The translatable labels and titles with a mnemonic in one .ui file,
    grouped by what is shown together: a page of a stack is shown alone,
    with what is outside every stack."""
    root = ET.parse(path).getroot()
    parent = {child: node for node in root.iter() for child in node}
    outside, pages = [], {}
    for prop in root.iter("property"):
        if prop.get("translatable") != "yes" or prop.get("name") not in ("label", "title") \
                or not prop.text or not mnemonic(prop.text):
            continue
        node, page = prop, None
        while node in parent and page is None:
            node = parent[node]
            if node.tag == "object" and node.get("class") in STACK_PAGES:
                page = node
        (pages.setdefault(page, []) if page is not None else outside).append(prop.text)
    # A menu is shown alone, all its sections at once.
    menus = [[a.text for a in menu.iter("attribute")
              if a.get("name") == "label" and a.get("translatable") == "yes" and a.text and mnemonic(a.text)]
             for menu in root.iter("menu")]
    return ([outside + texts for texts in pages.values()] or [outside]) + [m for m in menus if m]


langs = [l.strip() for l in open(os.path.join(src, "po", "LINGUAS"))
         if l.strip() and not l.startswith("#")]
catalogs = {"en": None}
catalogs.update({l: read_po(os.path.join(src, "po", l + ".po")) for l in langs})

status = 0
for name in sorted(os.listdir(ui_dir)):
    if not name.endswith(".ui"):
        continue
    for texts in screens(os.path.join(ui_dir, name)):
        for lang, catalog in catalogs.items():
            seen = {}
            for text in texts:
                shown = catalog.get(text, text) if catalog else text
                key = mnemonic(shown)
                if key is None:
                    print(f"{name} [{lang}]: “{shown}” lost its mnemonic")
                    status = 1
                elif key in seen:
                    print(f"{name} [{lang}]: “{seen[key]}” and “{shown}” both use Alt+{key}")
                    status = 1
                else:
                    seen[key] = shown
sys.exit(status)
