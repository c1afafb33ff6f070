"""Certificates for the integration tests, made with `cryptography`: EC keys
(P-256 unless given), one CA level, validity around now."""
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)
DAY = datetime.timedelta(days=1)
PEM = serialization.Encoding.PEM


def pem_key(key, fmt=serialization.PrivateFormat.PKCS8):
    """PEM private key: PKCS#8 ("PRIVATE KEY"), or with
    fmt=PrivateFormat.TraditionalOpenSSL the SEC1 "EC PRIVATE KEY" that
    `openssl ecparam -genkey` writes."""
    return key.private_bytes(PEM, fmt, serialization.NoEncryption())


def spki(key, encoding=serialization.Encoding.DER):
    """The SubjectPublicKeyInfo of key's public half (DER unless given)."""
    return key.public_key().public_bytes(encoding,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def make_cert(cn, issuer, issuer_key, key=None, ca=False, serial=None, not_before=NOW - DAY,
              not_after=NOW + DAY, sans=()):
    """(certificate, key) for CN cn, signed by issuer_key (self-signed when None)."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    b = (x509.CertificateBuilder()
         .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
         .issuer_name(issuer or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
         .public_key(key.public_key())
         .serial_number(serial or x509.random_serial_number())
         .not_valid_before(not_before).not_valid_after(not_after)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
    cert = b.sign(issuer_key or key, hashes.SHA256())
    return cert, key
