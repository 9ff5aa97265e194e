# The in-sandbox supervisor. Passed as `perl -e` so every image that carries Debian's essential perl-base
# (all runtime images, and every session container) runs it without an image change.
#
# Protocol, both directions: frames of 1 type byte + 4-byte big-endian length + payload (the executor's
# SupervisorFrame enum names the same codes; it refuses a frame over 1 MiB, and output frames here are at most 64 KiB).
# In (from the executor, on stdin):  C config "key=value\n"... | K compile argv (NUL-separated, empty: none)
#   | R run argv | F file "name\0content" | S setup done | I stdin data | E stdin EOF | G go on to the run step
#   | X cancel.
# Out (on stdout): c/d compile stdout/stderr | o/e run stdout/stderr | w the program waits for input
#   | a an artifact's chunk "name\0bytes" (chunks of one file in order) | k compile step result
#   | r run step result (both "key=value\n"..., the executor's StepReport) | z fatal supervisor error.
# Why a supervisor: it times the program and its children precisely, kills the whole process group on a
# limit, forwards stdin EOF (docker-java never half-closes a non-TTY attach), reads OOM kills from the
# cgroup, and sees a program blocked reading stdin from /proc without a Docker round trip.
# No module beyond strict and warnings: loading POSIX, Fcntl and Errno (which %! loads) took 6 ms of CPU at every
# sandbox's start, more than the rest of the supervisor's start (4 ms). Their few constants and calls are numbers and
# syscalls here, per architecture, read from the perl binary's own ELF header (e_machine; uname needs POSIX).
use strict;
use warnings;

my $ARCH = do {
    open(my $exe, '<:raw', '/proc/self/exe') or die "cannot read /proc/self/exe: $!";
    read($exe, my $elf, 20) == 20 or die "cannot read the ELF header of /proc/self/exe";
    { 183 => 'aarch64' }->{ unpack('v', substr($elf, 18, 2)) } || 'x86_64';
};
# Syscall numbers: prctl, wait4, setrlimit, clock_gettime, dup3, close, exit_group (perl-base has neither
# BSD::Resource nor Time::HiRes).
my %SYS = (x86_64 => [157, 61, 160, 228, 292, 3, 231], aarch64 => [167, 260, 164, 113, 24, 57, 94]);
my ($SYS_PRCTL, $SYS_WAIT4, $SYS_SETRLIMIT, $SYS_CLOCK, $SYS_DUP3, $SYS_CLOSE, $SYS_EXIT) = @{ $SYS{$ARCH} };
# Constants of Linux's generic ABI (both architectures): fcntl, open flags, errno, USER_HZ (times and /proc).
my ($F_GETFL, $F_SETFL, $O_NONBLOCK, $O_RDONLY) = (3, 4, 04000, 0);
my $O_NOFOLLOW = { x86_64 => 0400000, aarch64 => 0100000 }->{$ARCH};
my ($EINTR, $EAGAIN) = (4, 11);
my $TICK = 100;
sub _exit { syscall($SYS_EXIT, $_[0] + 0); }
sub retry { return $! == $EINTR || $! == $EAGAIN; }

# Non-dumpable: the program runs as the same user, and a dumpable supervisor would let it open
# /proc/<supervisor>/fd/1 (and write forged frames into the executor's stream) or read its memory. A non-dumpable
# process's /proc entries belong to root and ptrace is refused; exec resets the flag for the program itself.
syscall($SYS_PRCTL, 4, 0, 0, 0, 0) == 0 or do {
    print STDERR "cannot make the supervisor non-dumpable: $!\n"; _exit(4);
};
$SIG{PIPE} = 'IGNORE';
# A child's exit interrupts select() at once instead of waiting out its timeout.
$SIG{CHLD} = sub { };
# Syscalls a program waiting for input sleeps in: read, and the epoll waits of event loops (Node's libuv).
my $SYS_READ = { x86_64 => 0, aarch64 => 63 }->{$ARCH};
my %SYS_EPOLL_WAIT = map { $_ => 1 } @{ { x86_64 => [232, 281, 441], aarch64 => [22, 441] }->{$ARCH} };
# Monotonic seconds, fractional.
sub now { my $ts = "\0" x 16; syscall($SYS_CLOCK, 1, $ts); my ($s, $ns) = unpack('q2', $ts); return $s + $ns / 1e9; }

sub out {
    my ($t, $d) = @_;
    $d = '' unless defined $d;
    my $buf = $t . pack('N', length $d) . $d;
    my $off = 0;
    while ($off < length $buf) {
        my $n = syswrite(STDOUT, $buf, length($buf) - $off, $off);
        if (!defined $n) { next if retry(); _exit(3); }
        $off += $n;
    }
}

sub nonblock { my $fh = shift; my $f = fcntl($fh, $F_GETFL, 0); fcntl($fh, $F_SETFL, $f | $O_NONBLOCK); }

my $inbuf = '';
my $in_open = 1;
my %cfg;
my (@compile, @run, @files);
my ($stdin_data, $stdin_eof, $go, $cancel, $setup) = ('', 0, 0, 0, 0);

sub handle_frame {
    my ($t, $p) = @_;
    if ($t eq 'C') { for (split /\n/, $p) { my ($k, $v) = split /=/, $_, 2; $cfg{$k} = $v; } }
    elsif ($t eq 'K') { @compile = length $p ? split(/\0/, $p, -1) : (); }
    elsif ($t eq 'R') { @run = split(/\0/, $p, -1); }
    elsif ($t eq 'F') { push @files, $p; }
    elsif ($t eq 'S') { $setup = 1; }
    elsif ($t eq 'I') { $stdin_data .= $p; }
    elsif ($t eq 'E') { $stdin_eof = 1; }
    elsif ($t eq 'G') { $go = 1; }
    elsif ($t eq 'X') { $cancel = 1; }
}

# Reads whatever stdin has (blocking only when asked) and handles complete frames.
sub pump_in {
    my $block = shift;
    return unless $in_open;
    my $n = sysread(STDIN, my $chunk, 65536);
    if (!defined $n) { return if retry(); $n = 0; }
    # The executor went away (killed mid-run): stop the program rather than run on unwatched.
    if ($n == 0) { $in_open = 0; $cancel = 1; return; }
    $inbuf .= $chunk;
    while (length($inbuf) >= 5) {
        my $len = unpack('N', substr($inbuf, 1, 4));
        last if length($inbuf) < 5 + $len;
        my $t = substr($inbuf, 0, 1);
        my $p = substr($inbuf, 5, $len);
        substr($inbuf, 0, 5 + $len, '');
        handle_frame($t, $p);
    }
}

sub slurp { my $f = shift; open(my $h, '<', $f) or return undef; local $/; my $s = <$h>; close $h; return $s; }
sub cg_cpu_ms {
    for my $f ('/sys/fs/cgroup/cpuacct/cpuacct.usage', '/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage') {
        my $v = slurp($f); return $v / 1e6 if defined $v;
    }
    my $s = slurp('/sys/fs/cgroup/cpu.stat');
    return $1 / 1000 if defined $s && $s =~ /usage_usec (\d+)/;
    return undef;
}
sub oom_kills {
    my $s = slurp('/sys/fs/cgroup/memory/memory.oom_control');
    $s = slurp('/sys/fs/cgroup/memory.events') unless defined $s;
    return (defined $s && $s =~ /oom_kill (\d+)/) ? $1 : 0;
}
sub self_cpu_ms { my @t = times; return ($t[0] + $t[1]) * 1000; }
sub proc_cpu_ms {
    my $s = slurp("/proc/$_[0]/stat") or return 0;
    $s =~ s/^.*\)\s+//s;
    my @f = split / /, $s;
    return ($f[11] + $f[12] + $f[13] + $f[14]) * 1000 / $TICK;
}
# Whether epoll instance $epfd of process $p waits for fd 0 to become readable (EPOLLIN).
sub epoll_watches_stdin {
    my ($p, $epfd) = @_;
    my $info = slurp("/proc/$p/fdinfo/$epfd");
    return defined $info && $info =~ /^tfd:\s+0\s+events:\s+([0-9a-f]+)/m && (hex($1) & 1);
}

# True when a thread of the program (or of a process in its group) waits for stdin: blocked in read(0, ...),
# or idle in an epoll wait whose interest list holds fd 0.
sub waits_for_input {
    my $pgid = shift;
    opendir(my $d, '/proc') or return 0;
    for my $p (grep { /^\d+$/ } readdir $d) {
        my $st = slurp("/proc/$p/stat") or next;
        $st =~ s/^.*\)\s+//s;
        next unless (split / /, $st)[2] == $pgid;
        opendir(my $td, "/proc/$p/task") or next;
        for my $t (grep { /^\d+$/ } readdir $td) {
            my $sc = slurp("/proc/$p/task/$t/syscall");
            next unless defined $sc;
            my ($nr, $fd) = split / /, $sc;
            next unless defined $fd && $fd =~ /^0x[0-9a-f]+$/;
            # Blocked in read(0, ...): Python's input(), C's scanf, Java's System.in.
            return 1 if $nr eq $SYS_READ && hex($fd) == 0;
            # Idle in an event loop that waits for stdin to become readable (Node's readline, process.stdin).
            return 1 if $SYS_EPOLL_WAIT{$nr} && epoll_watches_stdin($p, hex($fd));
        }
    }
    return 0;
}

sub kill_all {
    my $pid = shift;
    kill 'KILL', -$pid;
    # A fresh sandbox is ours alone: also stop whatever left the process group (setsid, daemons).
    kill 'KILL', -1 if $cfg{fresh};
}

sub wait4 {
    my ($pid, $flags) = @_;
    my $st = pack('i', 0);
    my $ru = "\0" x 256;
    my $r = syscall($SYS_WAIT4, $pid + 0, $st, $flags + 0, $ru);
    return ($r, unpack('i', $st), [unpack('q5', $ru)]);
}

# Files the run wrote to its output paths (cfg artifacts: ":"-separated, relative to the work dir), sent as 'a'
# frames within the caps. Only regular files, never through a symlink (opened O_NOFOLLOW, and the handle must be the
# inode lstat saw, so a swap between the two reads nothing else); in a session only files written since $since.
sub send_artifacts {
    my $since = shift;
    return unless defined $cfg{artifacts} && length $cfg{artifacts};
    my ($files, $total) = (0, 0);
    my @todo = split /:/, $cfg{artifacts};
    while (@todo && $files < $cfg{afiles}) {
        my $p = shift @todo;
        my @st = lstat($p) or next;
        next if -l _;
        if (-d _) {
            opendir(my $d, $p) or next;
            unshift @todo, map { "$p/$_" } sort grep { !/^\.\.?$/ } readdir $d;
            closedir $d;
            next;
        }
        next unless -f _;
        next if !$cfg{fresh} && $st[9] < $since;
        next if $st[7] > $cfg{afile} || $total + $st[7] > $cfg{amax};
        sysopen(my $h, $p, $O_RDONLY | $O_NOFOLLOW) or next;
        my @hs = stat($h);
        if (!-f _ || $hs[0] != $st[0] || $hs[1] != $st[1]) { close $h; next; }
        my $sent = 0;
        while ($sent < $cfg{afile}) {
            my $n = sysread($h, my $buf, 262144);
            last unless $n;
            out('a', "$p\0$buf");
            $sent += $n;
        }
        out('a', "$p\0") if $sent == 0;
        close $h;
        $files++;
        $total += $sent;
    }
}

# A wait status: exited (low 7 bits 0, the code above them) or killed by the signal in the low 7 bits.
sub exited { return ($_[0] & 0x7f) == 0; }

sub signame {
    my $n = shift;
    my @names = qw(ZERO HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP
        TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS);
    return $n < @names ? 'SIG' . $names[$n] : "SIG$n";
}

sub run_step {
    my ($kind, $argv, $wall_ms, $cpu_ms, $with_stdin) = @_;
    my ($out_t, $err_t) = $kind eq 'r' ? ('o', 'e') : ('c', 'd');
    my $limit = $cfg{out} || 1048576;
    pipe(my $or, my $ow) or die "pipe: $!";
    pipe(my $er, my $ew) or die "pipe: $!";
    pipe(my $ir, my $iw) or die "pipe: $!";
    my $cg0 = cg_cpu_ms();
    my $self0 = self_cpu_ms();
    my $oom0 = oom_kills();
    my $t0 = now();
    my $t_wall0 = time() - 1;
    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        setpgrp(0, 0);
        syscall($SYS_DUP3, fileno($ir), 0, 0);
        syscall($SYS_DUP3, fileno($ow), 1, 0);
        syscall($SYS_DUP3, fileno($ew), 2, 0);
        syscall($SYS_CLOSE, $_) for 3 .. 63;
        # RLIMIT_CPU backstop (the supervisor's own poll is the real limit): soft at limit+1 s.
        my $sec = int($cpu_ms / 1000) + 2;
        syscall($SYS_SETRLIMIT, 0, pack('Q2', $sec, $sec + 1));
        $SIG{PIPE} = 'DEFAULT';
        { no warnings 'exec'; exec { $argv->[0] } @$argv; }
        print STDERR "cannot start $argv->[0]: $!\n";
        _exit(127);
    }
    close $ow; close $ew; close $ir;
    nonblock($or); nonblock($er); nonblock($iw);
    my %open = (out => $or, err => $er);
    my %sent = (out => 0, err => 0);
    my %trunc = (out => 0, err => 0);
    my ($reason, $status, $ru, $exited_at, $waiting, $last_probe) = ('', undef, undef, undef, 0, 0);
    my $iw_open = 1;
    if (!$with_stdin) { close $iw; $iw_open = 0; }
    while (1) {
        my $rin = '';
        vec($rin, fileno($_), 1) = 1 for values %open;
        vec($rin, fileno(STDIN), 1) = 1 if $in_open;
        my $win = '';
        vec($win, fileno($iw), 1) = 1 if $iw_open && length $stdin_data;
        my $nfound = select(my $rout = $rin, my $wout = $win, undef, 0.02);
        if ($nfound > 0) {
            pump_in() if $in_open && vec($rout, fileno(STDIN), 1);
            for my $s (keys %open) {
                my $fh = $open{$s};
                next unless vec($rout, fileno($fh), 1);
                my $n = sysread($fh, my $buf, 65536);
                next if !defined $n && retry();
                if (!$n) { close $fh; delete $open{$s}; next; }
                my $room = $limit - $sent{$s};
                if ($n > $room) {
                    $buf = substr($buf, 0, $room > 0 ? $room : 0);
                    $trunc{$s} = 1;
                    if (!$reason && !defined $status) { $reason = 'output'; kill_all($pid); }
                }
                if (length $buf) { out($s eq 'out' ? $out_t : $err_t, $buf); $sent{$s} += length $buf; }
            }
            if ($iw_open && length $stdin_data && vec($wout, fileno($iw), 1)) {
                my $n = syswrite($iw, $stdin_data);
                if (defined $n) { substr($stdin_data, 0, $n, ''); $waiting = 0; }
                elsif ($! != $EAGAIN) { close $iw; $iw_open = 0; $stdin_data = ''; }
            }
        }
        if ($iw_open && $stdin_eof && !length $stdin_data) { close $iw; $iw_open = 0; }
        # Reap: the program, and orphans that a fresh sandbox's PID 1 inherits.
        while (1) {
            my ($r, $st, $usage) = wait4(-1, 1);    # WNOHANG
            last if $r <= 0;
            if ($r == $pid) { $status = $st; $ru = $usage; $exited_at = now(); kill_all($pid); }
        }
        my $now = now();
        if (!defined $status) {
            if ($cancel && $reason ne 'cancel') { $reason = 'cancel'; kill_all($pid); }
            my $elapsed = ($now - $t0) * 1000;
            if (!$reason && $elapsed > $wall_ms) { $reason = 'wall'; kill_all($pid); }
            if (!$reason && $now - $last_probe > 0.05) {
                my $cg = $cfg{fresh} ? cg_cpu_ms() : undef;
                my $used = defined $cg && defined $cg0 ? $cg - $cg0 - (self_cpu_ms() - $self0) : proc_cpu_ms($pid);
                if ($used > $cpu_ms) { $reason = 'cpu'; kill_all($pid); }
                if ($cfg{interactive} && $iw_open && !length $stdin_data && !$waiting && waits_for_input($pid)) {
                    $waiting = 1;
                    out('w', '');
                }
                $last_probe = $now;
            }
            # A killed program that does not die (it cannot happen with SIGKILL, but never hang).
            last if $reason && $elapsed > $wall_ms + 3000;
        } else {
            # The program is gone; give its (killed) children a moment to close the pipes, no more.
            last if !%open || $now - $exited_at > 0.5;
        }
    }
    close $_ for values %open;
    close $iw if $iw_open;
    my $wall = int(((defined $exited_at ? $exited_at : now()) - $t0) * 1000);
    my ($code, $sig) = ('', '');
    if (defined $status) {
        if (exited($status)) { $code = ($status >> 8) & 0xff; }
        elsif (($status & 0x7f) != 0x7f) { $sig = signame($status & 0x7f); $code = 128 + ($status & 0x7f); }
    }
    my $cpu = defined $ru ? int(($ru->[0] + $ru->[2]) * 1000 + ($ru->[1] + $ru->[3]) / 1000) : 0;
    if ($cfg{fresh}) {
        my $cg = cg_cpu_ms();
        if (defined $cg && defined $cg0) {
            my $tree = int($cg - $cg0 - (self_cpu_ms() - $self0));
            $cpu = $tree if $tree > $cpu;
        }
    }
    my $oom = oom_kills() > $oom0 ? 1 : 0;
    send_artifacts($t_wall0) if $kind eq 'r';
    out($kind eq 'r' ? 'r' : 'k', join('', map { "$_->[0]=$_->[1]\n" } (
        [exit => $code], [signal => $sig], [wall => $wall], [cpu => $cpu], [rss => (defined $ru ? $ru->[4] : 0)],
        [oom => $oom], [reason => $reason], [outTrunc => $trunc{out}], [errTrunc => $trunc{err}])));
    return (defined $status && exited($status) && (($status >> 8) & 0xff) == 0 && !$reason && !$oom);
}

# Setup: read frames until S, write the files, then the steps.
pump_in(1) while $in_open && !$setup;
exit 0 unless $setup;
nonblock(\*STDIN);
my $dir = $cfg{dir} || '/workspace';
chdir $dir or do { out('z', "cannot enter $dir: $!"); exit 0; };
umask 022;
for my $f (@files) {
    my ($name, $content) = split /\0/, $f, 2;
    my $path = '';
    my @parts = split m{/}, $name;
    pop @parts;
    for (@parts) { $path .= "$_/"; mkdir $path; }
    unlink $name;
    open(my $h, '>', $name) or do { out('z', "cannot write $name: $!"); exit 0; };
    binmode $h;
    print $h $content;
    close $h;
}
@files = ();
if (@compile) {
    my $ok = run_step('k', \@compile, $cfg{cwall}, $cfg{ccpu}, 0);
    exit 0 unless $ok;
    if ($cfg{hold}) { pump_in(0) while $in_open && !$go && !$cancel && select(undef, undef, undef, 0.005) >= 0; }
    exit 0 if $cancel;
}
run_step('r', \@run, $cfg{rwall}, $cfg{rcpu}, 1);
exit 0;
