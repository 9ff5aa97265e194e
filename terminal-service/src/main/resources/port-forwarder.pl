# Runs inside a session container (docker exec, as the sandbox user): connects to a port on the container's own
# loopback and relays bytes between it and the exec's stdin/stdout. The session has no network at all; this is the
# only way a preview reaches its server. Passed as `perl -e` with the port as argument (perl-base is in every image).
# Protocol: one status byte first ("1" connected, "0" refused, followed by the reason), then raw bytes both ways.
use strict;
use warnings;
use IO::Socket::IP;
use POSIX ();

$SIG{PIPE} = 'IGNORE';
my $port = $ARGV[0];
my $idle = $ARGV[1] || 600;
my $socket;
my $why = 'nothing listens there';
for my $host ('127.0.0.1', '::1') {
    $socket = IO::Socket::IP->new(PeerHost => $host, PeerPort => $port, Timeout => 3);
    last if $socket;
    $why = "$!";
}
sub put { my $d = shift; my $off = 0; while ($off < length $d) { my $n = syswrite(STDOUT, $d, length($d) - $off, $off); return 0 unless defined $n; $off += $n; } return 1; }
unless ($socket) { put("0connection to port $port refused: $why"); exit 0; }
put("1") or exit 0;
my ($in_open, $last) = (1, time);
while (1) {
    my $rin = '';
    vec($rin, fileno($socket), 1) = 1;
    vec($rin, fileno(STDIN), 1) = 1 if $in_open;
    my $n = select(my $rout = $rin, undef, undef, 30);
    next if $n < 0 && $!{EINTR};
    if ($n == 0) { last if time - $last > $idle; next; }
    $last = time;
    if ($in_open && vec($rout, fileno(STDIN), 1)) {
        my $r = sysread(STDIN, my $buf, 65536);
        if (!$r) { $in_open = 0; shutdown($socket, 1); }
        else { my $off = 0; while ($off < $r) { my $w = syswrite($socket, $buf, $r - $off, $off); exit 0 unless defined $w; $off += $w; } }
    }
    if (vec($rout, fileno($socket), 1)) {
        my $r = sysread($socket, my $buf, 65536);
        last unless $r;
        put($buf) or last;
    }
}
exit 0;
