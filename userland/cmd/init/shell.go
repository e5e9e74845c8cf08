package main

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// shellPath is the shell: u-root's gosh, linked as /bin/sh by the
// initramfs builder.
const shellPath = "/bin/sh"

// shellEnv is the environment of every program init starts, plus TERM
// (termFor).
var shellEnv = []string{
	"PATH=/bin:/bbin:/ubin:/usr/bin:/usr/sbin:/sbin",
	"HOME=/",
	"USER=root",
}

// termFor returns TERM for a terminal: "linux" on a VT, "vt100" on a serial
// line or the console, whose far end is unknown.
func termFor(tty string) string {
	if isVT(tty) {
		return "TERM=linux"
	}
	return "TERM=vt100"
}

// reaper is the PID 1 child reaper: it reaps every exited process
// (orphans included) and hands the status of processes init started to
// whoever waits for them. Nothing else in init may call wait.
type reaper struct {
	con     console
	mu      sync.Mutex
	waiting map[int]chan unix.WaitStatus
	exited  map[int]unix.WaitStatus // reaped before anyone waited
}

func newReaper(con console) *reaper {
	r := &reaper{con: con, waiting: map[int]chan unix.WaitStatus{}, exited: map[int]unix.WaitStatus{}}
	sig := make(chan os.Signal, 16)
	signal.Notify(sig, syscall.SIGCHLD)
	go r.loop(sig)
	return r
}

func (r *reaper) loop(sig <-chan os.Signal) {
	defer func() {
		if p := recover(); p != nil {
			r.con.printf("reaper panicked: %v", p)
		}
	}()
	for range sig {
		for {
			var ws unix.WaitStatus
			pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
			if err == unix.EINTR {
				continue
			}
			if err != nil || pid <= 0 {
				break
			}
			r.mu.Lock()
			if ch, ok := r.waiting[pid]; ok {
				delete(r.waiting, pid)
				ch <- ws
			} else {
				r.exited[pid] = ws
			}
			r.mu.Unlock()
		}
	}
}

// wait returns a channel that receives pid's exit status.
func (r *reaper) wait(pid int) <-chan unix.WaitStatus {
	ch := make(chan unix.WaitStatus, 1)
	r.mu.Lock()
	defer r.mu.Unlock()
	if ws, ok := r.exited[pid]; ok {
		delete(r.exited, pid)
		ch <- ws
		return ch
	}
	r.waiting[pid] = ch
	return ch
}

// start runs argv with tty (or init's own console, if tty is "") as
// standard input, output and error. With a tty the program gets a new
// session with tty as its controlling terminal, so job control and ^C work.
func start(argv []string, tty string) (int, error) {
	files := []*os.File{os.Stdin, os.Stdout, os.Stderr}
	sys := &syscall.SysProcAttr{}
	if tty != "" {
		f, err := os.OpenFile(tty, os.O_RDWR|unix.O_NOCTTY, 0)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		files = []*os.File{f, f, f}
		sys = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	}
	p, err := os.StartProcess(argv[0], argv, &os.ProcAttr{Dir: "/", Env: append(shellEnv[:len(shellEnv):len(shellEnv)], termFor(tty)), Files: files, Sys: sys})
	if err != nil {
		return 0, err
	}
	pid := p.Pid
	_ = p.Release()
	return pid, nil
}

// runOnce runs argv on init's console and waits for it.
func runOnce(r *reaper, argv []string) (unix.WaitStatus, error) {
	pid, err := start(argv, "")
	if err != nil {
		return 0, fmt.Errorf("starting %s: %w", argv[0], err)
	}
	return <-r.wait(pid), nil
}

// shells runs a shell on every terminal and restarts each one when it
// exits; it never returns. When the cat is on screen, VTs get no shell, so
// the picture stays.
func shells(con console, r *reaper, ttys []string, catShown bool) {
	for _, tty := range ttys {
		if isVT(tty) && catShown {
			// The cat keeps the screen: a VT shell would switch the console
			// back to text and paint over it. The serial console has a shell.
			con.printf("no shell on %s: the cat keeps the screen (shell on the serial console)", tty)
			continue
		}
		go func() {
			defer func() {
				if p := recover(); p != nil {
					con.printf("shell on %s panicked: %v", tty, p)
				}
			}()
			respawn(con, r, tty)
		}()
	}
	for {
		time.Sleep(time.Hour)
	}
}

// isVT reports whether tty is a virtual terminal (/dev/ttyN).
func isVT(tty string) bool {
	var n int
	_, err := fmt.Sscanf(tty, "/dev/tty%d", &n)
	return err == nil && fmt.Sprintf("/dev/tty%d", n) == tty
}

// respawn keeps a shell running on tty. A terminal that cannot be opened
// (no such device, no UART behind ttyS0) is retried a few times and then
// given up; a shell that exits within a second is restarted after a pause
// so a broken shell does not spin.
func respawn(con console, r *reaper, tty string) {
	const maxOpenFailures = 5
	failures := 0
	for {
		began := time.Now()
		pid, err := start([]string{shellPath}, tty)
		if err != nil {
			failures++
			con.printf("shell on %s: %v", tty, err)
			if failures >= maxOpenFailures {
				con.printf("giving up on %s", tty)
				return
			}
			time.Sleep(time.Duration(failures) * time.Second)
			continue
		}
		failures = 0
		con.printf("shell on %s (pid %d)", tty, pid)
		ws := <-r.wait(pid)
		con.printf("shell on %s exited (%s); restarting", tty, describe(ws))
		if time.Since(began) < time.Second {
			time.Sleep(time.Second)
		}
	}
}

func describe(ws unix.WaitStatus) string {
	switch {
	case ws.Exited():
		return fmt.Sprintf("status %d", ws.ExitStatus())
	case ws.Signaled():
		return fmt.Sprintf("signal %v", ws.Signal())
	}
	return fmt.Sprintf("wait status %#x", uint32(ws))
}
