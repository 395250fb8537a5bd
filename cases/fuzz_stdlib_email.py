# leakcheck: expect=clean
# leakcheck: source="stdlib campaign (bench/fuzz_stdlib.sh): email's parser and header registry"
"""email.message_from_bytes with the modern policy on any bytes, then every
part's headers and content type read (the header registry's parsers).
Pure Python over re and the codecs. run() parses a small message.
"""

import email
import email.policy

SAMPLE = (b"From: a@example.com\r\nTo: b <b@example.com>\r\nSubject: =?utf-8?q?hi?=\r\n"
          b"Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n")


def run():
    email.message_from_bytes(SAMPLE, policy=email.policy.default)


def fuzz(data):
    msg = email.message_from_bytes(data, policy=email.policy.default)
    for part in msg.walk():
        for k, v in part.items():
            str(v)
        part.get_content_type()
