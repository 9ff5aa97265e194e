#!/bin/sh
# Writes squid.conf from EGRESS_ALLOW (comma-separated: host names, or IP[/prefix] of private mirrors) and runs squid
# in the foreground. Names are exact hosts: "registry.npmjs.org"; ".example.org" allows its subdomains too.
set -eu
: "${EGRESS_ALLOW:=registry.npmjs.org,pypi.org,files.pythonhosted.org}"
: "${EGRESS_PORT:=3128}"
DIR=/etc/squid/playground
: > "$DIR/allowed-names"; : > "$DIR/allowed-addresses"
for entry in $(echo "$EGRESS_ALLOW" | tr ',' ' '); do
  if echo "$entry" | grep -Eq '^([0-9]{1,3}\.){3}[0-9]{1,3}(/[0-9]{1,2})?$|:'; then
    echo "$entry" >> "$DIR/allowed-addresses"     # IPv4 (with optional prefix) or IPv6
  else
    echo "$entry" >> "$DIR/allowed-names"
  fi
done
# squid refuses an empty ACL file; a name that never resolves keeps the list valid.
[ -s "$DIR/allowed-names" ] || echo "nothing.invalid" > "$DIR/allowed-names"
[ -s "$DIR/allowed-addresses" ] || echo "192.0.2.1/32" > "$DIR/allowed-addresses"
cat > "$DIR/squid.conf" <<CONF
http_port ${EGRESS_PORT}
pid_filename none
cache deny all
cache_mem 8 MB
cache_dir null /tmp
access_log stdio:/dev/stdout
cache_log stdio:/dev/stderr
logfile_rotate 0
shutdown_lifetime 1 seconds
forwarded_for delete
via off
dns_v4_first on
acl allowed_names dstdomain "$DIR/allowed-names"
acl allowed_addresses dst "$DIR/allowed-addresses"
acl internal dst 0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24 192.168.0.0/16 198.18.0.0/15 224.0.0.0/3 ::1 fc00::/7 fe80::/10
acl web_ports port 80 443
acl CONNECT method CONNECT
# A mirror an operator allow-listed by address is reachable even in a private range; nothing else private is.
http_access allow allowed_addresses
http_access deny internal
http_access deny CONNECT !web_ports
http_access allow allowed_names
http_access deny all
CONF
echo "egress proxy: allowing $(tr '\n' ' ' < "$DIR/allowed-names")$(tr '\n' ' ' < "$DIR/allowed-addresses")" >&2
exec squid -N -f "$DIR/squid.conf"
