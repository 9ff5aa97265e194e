#!/bin/sh
# Writes squid.conf from EGRESS_ALLOW (comma-separated host[:port] entries: registry names, or the IP address of a
# private mirror) and runs squid in the foreground. A name is an exact host ("registry.npmjs.org"); ".example.org"
# allows its subdomains too. Ports 80 and 443 are allowed, and any port an entry names. Nothing else goes out: not
# the host, not private or link-local ranges (unless an operator lists a mirror's address), and a refused name is
# never even looked up (no DNS channel from the download step).
set -eu
: "${EGRESS_ALLOW:=registry.npmjs.org,pypi.org,files.pythonhosted.org}"
: "${EGRESS_PORT:=3128}"
DIR=/etc/squid/playground
: > "$DIR/allowed-hosts"
ports="80 443"
for entry in $(echo "$EGRESS_ALLOW" | tr ',' ' '); do
  host=${entry%:*}
  if [ "$host" != "$entry" ] && echo "${entry##*:}" | grep -Eq '^[0-9]{1,5}$'; then
    ports="$ports ${entry##*:}"
  else
    host=$entry
  fi
  echo "$host" >> "$DIR/allowed-hosts"
done
# squid refuses an empty ACL file; a name that never resolves keeps the list valid.
[ -s "$DIR/allowed-hosts" ] || echo "nothing.invalid" > "$DIR/allowed-hosts"
cat > "$DIR/squid.conf" <<CONF
http_port ${EGRESS_PORT}
pid_filename none
cache deny all
cache_mem 8 MB
access_log stdio:/dev/stdout
cache_log stdio:/dev/stderr
logfile_rotate 0
shutdown_lifetime 1 seconds
forwarded_for delete
# -n: the host in the request is compared as written, never looked up to decide.
acl allowed_hosts dstdomain -n "$DIR/allowed-hosts"
acl allowed_ports port $ports
acl CONNECT method CONNECT
http_access deny !allowed_ports
http_access allow allowed_hosts
http_access deny all
CONF
echo "egress proxy: allowing $(tr '\n' ' ' < "$DIR/allowed-hosts")on ports $ports" >&2
exec squid -N -f "$DIR/squid.conf"
