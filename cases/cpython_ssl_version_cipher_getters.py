# leakcheck: expect=clean
# leakcheck: source="control for python/cpython#116810"
"""Reading version() and cipher() of an established TLS connection: nothing
leaks.

Clean twin of cpython_ssl_session_getter.py. There run() reads
CLIENT.session, and PySSL_get_session() in Modules/_ssl.c (3.10 and 3.11)
takes a new reference with SSL_get1_session(), clones the session through
_ssl_session_dup() and never frees the get1 reference, so one OpenSSL
SSL_SESSION leaks per access in the native heap (gh-116810, fixed in 3.12.7
and 3.13.1). Here the same in-memory TLS 1.2 connection, set up the same way
at import with a throwaway self-signed certificate, is asked for its protocol
version and cipher instead: SSL_get_version() returns a static string and
SSL_get_current_cipher() a borrowed pointer, and the Python str/tuple results
are dropped. Python blocks and the native heap must both stay flat.
"""
import os
import ssl
import tempfile

# Throwaway self-signed test certificate + key (CN=localhost), generated for this test only.
_KEY_AND_CERT = """\
-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCn7h9NLaPY4Sj0
YDva5tSxG7vXG7cJ8qyrL/d9I+C53KJd9pt5mbsgiwl71LGmcFxT4q4zJ4rnxV/d
pKu1mJJlruLbKPzQIgFpcEoTPBNSOCkz+Mu/elrCd3YtY30YHMTVphsKIJ7svzCQ
0D9owzVdXzQ5fvloFe0chUU8cfKfv7XUhAaNToSHOYNUupo9PP5MHmXfvG8D1zba
NwY98+YCvKJPTaxaMfrbUmzOs11zR0aGyWetUHGVowe7TiD3Qh4ezbOaS2jcYSNV
BX+q6cM/YIcTh0+YDzgQMr079PuoQKeWZ/beTT/p69ICeQtnX4FNGJLdW9skj4HN
XzByII1rAgMBAAECggEAKHxIH5s5PThLX180DvpHnMtK5flQj51p83uE9y6HJ0gB
/RVPNmnRq27Zwnjsu2urVq33wW1vF6GGEzF4FDfMU6duGdgv2x3XqUvhD/IT1maj
yFvbAzbEWs3iN98ccYu+CKQbML3cksclNkR+hQtK+k/Rj2sFRgrDN3UJ1CDEla6G
bOM2b6dndhXiCqN/oJmKZf5QnHMkbSUi15/xtssGLesieZ/evU6tiq6n31k1o1b7
MCZnQBZuphfG1tpsqDAEWQFk3fjNefi5KIULBaK0Xi+HeTj6nAWRsRZVJJXE59Pn
G3D6+4E6S0fFRKaWoQ3OSukCDLo+u1qajV/SH41lAQKBgQDVAnH6U9rQTwCyiIqh
H6IylNNa7O6QDHjGyh24rCj0Nf8YIYils6VcYbeeww104RSrcrlncvm5lRGQKWwg
3ndb95aht+M+leFQCBbigrrh0OyuRvC4zaB1dXsz2/PVhhVa5lrWH+KpbbOvpIa1
D+ooFEcQPt9edjdrvECbcLN0GwKBgQDJ0o/8GuWGX+3DcDJmMIKjSDJwAeiwKzES
JAPk21cc8rKlMTs71zLgK6KKaoM4FY7KJQRYQ7V92+lFCkeQ1yDh5MGrGxa1LvAG
nCjBiW9mJe6BbEXnNDMsAeTusNcgunW4Bh4iOgGAYHJ0WE97KNpVUl1rdCkVzSwM
mt4KEBTA8QKBgQC24h6R2qUn7Gyg3HKJ2+samoTMsFgy/UJFCwtxnv6ajjGyujfk
bNUw+AT7HmTTUNy6RwnANAsMt1wY9jeMEPVR1MVTm9pTxcNpP0jGuY9SilprVyUe
xg1aS7+3ysUTMsfq/5RF+6JT7Yg06YFuu3dDagWJgTGunLkAmuStkJnCuQKBgErG
42ZLKOOiw1t4RJQsQRrycw2hB2/OcP4BrherVRl6qsod9Y50a3s3b5/NWxT6l885
6+QwIhyh0EouRtnZe2t28HLPNJio7XHlhgw/ObElOLtnPHcvlg4mHYZ6qxqLO3aV
fbC8wTWphn6pAbnmJw8Z11cq0NYtELcS4lXkI2xhAoGAEji72c0ZByohpgfdYxsp
N3c1e+kIeCk5+V20YgHdwp1DDZWcDNwGLYFMp9tjj56PT+vsDZ2OJUiXUkykrSGU
J++ns9h4UwB5jJi1pz/3LfqbnoPAzLqUwZmeeBm/4En2onufptASJb8KazzNNBfV
DMeX335JBDshr55YE0vA8CY=
-----END PRIVATE KEY-----
-----BEGIN CERTIFICATE-----
MIIDCzCCAfOgAwIBAgIUAMvkfMZKkt7qMcSOuDvDNWi/dCQwDQYJKoZIhvcNAQEL
BQAwFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNTE2MTY1MVoYDzIxMjYx
MTAxMTYxNjUxWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwggEiMA0GCSqGSIb3DQEB
AQUAA4IBDwAwggEKAoIBAQCn7h9NLaPY4Sj0YDva5tSxG7vXG7cJ8qyrL/d9I+C5
3KJd9pt5mbsgiwl71LGmcFxT4q4zJ4rnxV/dpKu1mJJlruLbKPzQIgFpcEoTPBNS
OCkz+Mu/elrCd3YtY30YHMTVphsKIJ7svzCQ0D9owzVdXzQ5fvloFe0chUU8cfKf
v7XUhAaNToSHOYNUupo9PP5MHmXfvG8D1zbaNwY98+YCvKJPTaxaMfrbUmzOs11z
R0aGyWetUHGVowe7TiD3Qh4ezbOaS2jcYSNVBX+q6cM/YIcTh0+YDzgQMr079Puo
QKeWZ/beTT/p69ICeQtnX4FNGJLdW9skj4HNXzByII1rAgMBAAGjUzBRMB0GA1Ud
DgQWBBRf3Qx+rGg1AtJcRA8TVbVV3q8eMTAfBgNVHSMEGDAWgBRf3Qx+rGg1AtJc
RA8TVbVV3q8eMTAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQAD
ysb4QceanrG5dBVi1hTBzHM24KcX2ATQaO+Qsd3Y+lqdQQ19BQgc1VxIv9AAzYWk
Y55+j5eTbPnYwiJODIsR7AwMcpOGvlnrYlIjfiHybyupkoNEwKDJ5SGXgYp18aKZ
3Ld2KDtE0mjZxlOELhWVdVDFBl0grFkizDmaUU2F59ykMr5zy5zTUxbgujfCHFnG
G/YEC3/XO6OX9UlW2Y0xokNZjcgDfs+sKWnwEazosoN1wi+D0ubtuWndhxEPMLNS
aNhlegdTHtVlmmCHSUuNoxJv7ZgRQAZnc6JB7TFOG8V1g7jZ+Grw4LAcbD4yvlqy
Wae3iQCBS8IbGa612ZPp
-----END CERTIFICATE-----
"""


def _handshake():
    fd, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(_KEY_AND_CERT)
        sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        sctx.load_cert_chain(path)
    finally:
        os.unlink(path)
    sctx.maximum_version = ssl.TLSVersion.TLSv1_2
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.check_hostname = False
    cctx.verify_mode = ssl.CERT_NONE
    cctx.maximum_version = ssl.TLSVersion.TLSv1_2
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client = cctx.wrap_bio(c_in, c_out, server_side=False)
    server = sctx.wrap_bio(s_in, s_out, server_side=True)
    done = {client: False, server: False}
    for _ in range(50):
        for obj in (client, server):
            if not done[obj]:
                try:
                    obj.do_handshake()
                    done[obj] = True
                except ssl.SSLWantReadError:
                    pass
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        if all(done.values()):
            break
    if not all(done.values()):
        raise RuntimeError("in-memory TLS handshake did not complete")
    return client, server


CLIENT, SERVER = _handshake()


def run():
    CLIENT.version()       # SSL_get_version(): a static string, nothing to free
    CLIENT.cipher()        # SSL_get_current_cipher(): borrowed, nothing to free
