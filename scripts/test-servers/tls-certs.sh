#!/bin/bash
# Make throw-away TLS certificates for tests with openssl(1): a CA, a server certificate it
# signs, and a second CA that signed nothing here (the "wrong CA" of a test).
#
# Usage:  scripts/test-servers/tls-certs.sh DIR [SUBJECT_ALT_NAME]
#         SUBJECT_ALT_NAME defaults to "IP:127.0.0.1,DNS:localhost"
# Writes: DIR/ca.pem DIR/ca.key          the CA (CN "binlake test CA")
#         DIR/server.pem DIR/server.key  the server's certificate (signed by the CA, with that
#                                        subjectAltName) and key
#         DIR/wrong-ca.pem               an unrelated CA
# RSA 2048, valid for 2 days, keys unencrypted (mode 0600).
set -euo pipefail
DIR=${1:?usage: tls-certs.sh DIR [SUBJECT_ALT_NAME]}
SAN=${2:-IP:127.0.0.1,DNS:localhost}
command -v openssl >/dev/null || { echo "missing openssl: run scripts/setup.sh" >&2; exit 2; }
mkdir -p "$DIR"
cd "$DIR"
umask 077
ca() {  # $1 = file stem, $2 = CN
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$1.key" -out "$1.pem" 2>/dev/null
}
ca ca "binlake test CA"
ca wrong-ca "binlake unrelated CA"
rm -f wrong-ca.key
openssl req -newkey rsa:2048 -nodes -subj "/CN=binlake test server" \
  -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$SAN" \
  > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
  -extfile server.ext -out server.pem 2>/dev/null
rm -f server.csr server.ext ca.srl
chmod 644 ca.pem wrong-ca.pem server.pem
