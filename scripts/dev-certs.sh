#!/usr/bin/env bash
# Development certificates for SpaceComms: a CA, two node certificates (node-a, node-b; SANs
# localhost and 127.0.0.1, usable as server and client certificates) and a client
# certificate for API tools. EC P-256 keys, mode 0600.
#
#   scripts/dev-certs.sh [OUT_DIR]        (default: ./certs)
#
# Not for production: the CA key sits next to the certificates.
set -euo pipefail

out="${1:-certs}"
days="${DEV_CERT_DAYS:-825}"
mkdir -p "$out"
umask 077

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key "$out/ca.key"
openssl req -x509 -new -key "$out/ca.key" -sha256 -days "$days" -subj "/CN=SpaceComms Dev CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$out/ca.crt"

# issue NAME EXTENDED_KEY_USAGE SUBJECT_ALT_NAMES
issue() {
  local name="$1" usage="$2" sans="$3" ext
  key "$out/$name.key"
  openssl req -new -key "$out/$name.key" -subj "/CN=$name" -out "$out/$name.csr"
  ext="$(mktemp)"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$usage"
    [ -n "$sans" ] && echo "subjectAltName=$sans"
  } > "$ext"
  openssl x509 -req -in "$out/$name.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
    -days "$days" -sha256 -extfile "$ext" -out "$out/$name.crt" 2>/dev/null
  rm -f "$ext" "$out/$name.csr"
}

issue node-a "serverAuth,clientAuth" "DNS:node-a,DNS:localhost,IP:127.0.0.1,IP:::1"
issue node-b "serverAuth,clientAuth" "DNS:node-b,DNS:localhost,IP:127.0.0.1,IP:::1"
issue client "clientAuth" ""
rm -f "$out/ca.srl"
chmod 0644 "$out"/*.crt

echo "certificates written to $out: ca.crt, node-a.crt/.key, node-b.crt/.key, client.crt/.key"
