# leakcheck: expect=clean
# leakcheck: source="issue 3: lazy imports on the first run"
"""The first call imports modules (and fills their caches); later calls
import nothing new.

The import happens inside run(), so the first iterations grow by whole
modules (xml.dom.minidom pulls in a dozen): warm-up, not a leak. Every
later call finds them in sys.modules.
"""


def run():
    import xml.dom.minidom
    import fractions
    doc = xml.dom.minidom.parseString("<a><b>%s</b></a>" % fractions.Fraction(1, 3))
    doc.unlink()
