# leakcheck: expect=clean
# leakcheck: source="stdlib campaign (bench/fuzz_stdlib.sh): xml.etree.ElementTree with _elementtree and pyexpat"
"""ElementTree.fromstring on any bytes: the C accelerator (_elementtree)
over expat (pyexpat), with its iterparse-free path. run() parses a small
document.
"""

import xml.etree.ElementTree as ET


def run():
    ET.fromstring(b'<a x="1"><b>t</b><c/><!-- c --></a>')


def fuzz(data):
    root = ET.fromstring(data)
    for el in root.iter():
        el.attrib.get("x")
