#!/usr/bin/env bash
# Makes the files an overlay's Secrets are generated from (OVERLAY/secrets/, git-ignored). Idempotent: what exists is
# kept, so running it again never changes a secret the cluster already uses.
#   deploy/make-secrets.sh secrets OVERLAY [PRINCIPAL...]
#       internal-secret and preview-secret (32 random bytes, hex), and an API key per PRINCIPAL (default: admin):
#       the key is printed once and kept in OVERLAY/secrets/keys/PRINCIPAL; api-keys holds only SHA-256 hashes.
#   deploy/make-secrets.sh sandbox-tls OVERLAY HOST...
#       a CA for the sandbox hosts (in $SANDBOX_CA_DIR, default deploy/sandbox-ca: keep its key off the cluster), a
#       server certificate per HOST (an IP address or a DNS name, as PLAYGROUND_SANDBOX_HOSTS names it) in
#       $SANDBOX_CA_DIR/hosts/HOST/ for that host's dockerd, and the services' client certificate in
#       OVERLAY/secrets/sandbox-tls/.
# Values are written without a trailing newline: a Secret takes a file's bytes as they are.
set -euo pipefail
cd "$(dirname "$0")"
DEPLOY=$PWD
CA_DIR=${SANDBOX_CA_DIR:-$DEPLOY/sandbox-ca}
DAYS_CA=3650
DAYS_LEAF=825

die() { printf 'error: %s\n' "$*" >&2; exit 1; }
say() { printf '  %s\n' "$*"; }
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

overlay_dir() {
  local o=${1:?name the overlay directory, e.g. deploy/overlays/production}
  [ -f "$o/kustomization.yaml" ] || [ -f "$DEPLOY/../$o/kustomization.yaml" ] || die "$o is no kustomize overlay"
  if [ -f "$o/kustomization.yaml" ]; then (cd "$o" && pwd); else (cd "$DEPLOY/../$o" && pwd); fi
}

cmd_secrets() {
  local dir principal key hashes=()
  dir=$(overlay_dir "${1:-}")/secrets; shift || true
  umask 077
  mkdir -p "$dir/keys"
  for f in internal-secret preview-secret; do
    if [ ! -s "$dir/$f" ]; then random_hex 32 > "$dir/$f"; say "made $dir/$f"; fi
  done
  [ $# -gt 0 ] || set -- admin
  for principal in "$@"; do
    [[ "$principal" =~ ^[a-z0-9][a-z0-9._-]*$ ]] || die "principal '$principal': lower-case letters, digits, . _ -"
    if [ ! -s "$dir/keys/$principal" ]; then
      key="pg_${principal}_$(random_hex 20)"
      printf '%s' "$key" > "$dir/keys/$principal"
      say "API key of $principal (shown once; kept in $dir/keys/$principal): $key"
    fi
  done
  for f in "$dir"/keys/*; do
    hashes+=("$(basename "$f"):$(tr -d '\n' < "$f" | sha256sum | awk '{print $1}')")
  done
  (IFS=,; printf '%s' "${hashes[*]}") > "$dir/api-keys"
  say "$dir/api-keys: ${#hashes[@]} principal(s)"
}

issue() { # dir common-name extendedKeyUsage subjectAltName|""
  local d=$1 cn=$2 eku=$3 san=$4 ext
  mkdir -p "$d"
  ext="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=$eku"
  [ -z "$san" ] || ext="$ext
subjectAltName=$san"
  openssl req -new -nodes -newkey rsa:2048 -keyout "$d/key.pem" -subj "/CN=$cn" -out "$d/csr.pem" 2>/dev/null
  openssl x509 -req -in "$d/csr.pem" -CA "$CA_DIR/ca.pem" -CAkey "$CA_DIR/ca-key.pem" -set_serial "0x$(random_hex 16)" \
    -days "$DAYS_LEAF" -extfile <(printf '%s\n' "$ext") -out "$d/cert.pem" 2>/dev/null
  rm -f "$d/csr.pem"
  cp "$CA_DIR/ca.pem" "$d/ca.pem"
}

cmd_sandbox_tls() {
  local dir host san
  dir=$(overlay_dir "${1:-}")/secrets/sandbox-tls; shift || true
  [ $# -gt 0 ] || die "name the sandbox hosts (IP addresses or DNS names, as in PLAYGROUND_SANDBOX_HOSTS)"
  command -v openssl >/dev/null || die "openssl is missing (apt-get install openssl)"
  umask 077
  mkdir -p "$CA_DIR/hosts"
  if [ ! -s "$CA_DIR/ca-key.pem" ]; then
    openssl req -x509 -new -nodes -newkey rsa:2048 -keyout "$CA_DIR/ca-key.pem" -out "$CA_DIR/ca.pem" -days "$DAYS_CA" \
      -subj "/CN=Playground sandbox hosts CA" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    say "made the sandbox CA in $CA_DIR (keep ca-key.pem safe, off the cluster)"
  fi
  for host in "$@"; do
    [ -s "$CA_DIR/hosts/$host/cert.pem" ] && continue
    if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then san="IP:$host"; else san="DNS:$host"; fi
    issue "$CA_DIR/hosts/$host" "$host" serverAuth "$san"
    say "server certificate of $host in $CA_DIR/hosts/$host (ca.pem, cert.pem, key.pem for its dockerd)"
  done
  if [ ! -s "$dir/cert.pem" ]; then
    issue "$dir" playground-services clientAuth ""
    say "the services' client certificate in $dir"
  fi
}

case "${1:-}" in
  secrets) shift; cmd_secrets "$@" ;;
  sandbox-tls) shift; cmd_sandbox_tls "$@" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
