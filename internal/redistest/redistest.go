// Package redistest runs a real redis-server (Debian's, see TOOLS.md) for
// tests: on a free loopback port, without persistence unless asked, as a
// child process that the test's cleanup stops by PID.
//
// A missing redis-server fails the test with a hint to run `make deps`; it
// never skips, because a skipped Redis test would hide a broken store.
package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// readyTimeout bounds how long Start and Restart wait for PING to answer.
const readyTimeout = 10 * time.Second

// Server is one redis-server child process. Its methods are safe for
// concurrent use.
type Server struct {
	t    testing.TB
	bin  string
	port int
	args []string
	log  string // the server's log file, shown when the test fails

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

type config struct {
	aof   bool
	extra []string
}

// Option changes how Start runs redis-server.
type Option func(*config)

// AOF starts the server with the append-only file on (--appendonly yes) in
// a temporary directory, as a production store should run. Restart then
// reloads what the file holds.
func AOF() Option { return func(c *config) { c.aof = true } }

// Args appends raw redis-server arguments, e.g. Args("--rename-command",
// "CONFIG", "") to act like a managed Redis that disables CONFIG.
func Args(args ...string) Option {
	return func(c *config) { c.extra = append(c.extra, args...) }
}

// Start runs redis-server on a free 127.0.0.1 port and waits until it
// answers PING. The test's cleanup kills it.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redistest: redis-server is not installed (%v): run `make deps` (it installs the Debian package redis-server)", err)
	}
	var c config
	for _, o := range opts {
		o(&c)
	}
	dir := t.TempDir()
	s := &Server{t: t, bin: bin, log: filepath.Join(dir, "redis.log")}
	t.Cleanup(s.cleanup)
	// Another process can take the port between choosing and binding it,
	// so try a few.
	for attempt := 0; ; attempt++ {
		s.port = freePort(t)
		s.args = []string{
			"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
			"--save", "", "--daemonize", "no",
		}
		if c.aof {
			s.args = append(s.args, "--appendonly", "yes", "--dir", dir)
		} else {
			s.args = append(s.args, "--appendonly", "no")
		}
		s.args = append(s.args, c.extra...)
		err := s.start()
		if err == nil {
			return s
		}
		if attempt == 3 {
			t.Fatalf("redistest: %v\n%s", err, s.logTail())
		}
	}
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// URL is the server's address as a REDIS_URL.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// PID is the running server's process id, or 0 after Kill.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Kill stops the server with SIGKILL, as a crash would, and waits for it
// to exit. Killing a stopped server does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.killLocked()
}

// Restart kills the server if it runs and starts it again on the same
// port. Without AOF it comes back empty; with AOF it reloads its file.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart: %v\n%s", err, s.logTail())
	}
}

func (s *Server) start() error {
	logf, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(s.bin, s.args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	if err := waitReady(s.Addr(), done); err != nil {
		s.Kill()
		return fmt.Errorf("redis-server %s: %w", strings.Join(quoteArgs(s.args), " "), err)
	}
	return nil
}

func (s *Server) killLocked() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill() // SIGKILL to this PID only
	<-s.done
	s.cmd, s.done = nil, nil
}

func (s *Server) cleanup() {
	s.Kill()
	if s.t.Failed() {
		s.t.Logf("redistest: redis-server log:\n%s", s.logTail())
	}
}

// logTail returns the end of the server's log.
func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.log)
	const max = 4 << 10
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return string(b)
}

// waitReady waits until the server answers PING with PONG (not -LOADING),
// or fails early when the process exits.
func waitReady(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-exited:
			return errors.New("exited before answering PING")
		default:
		}
		if ping(addr) == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no PONG within %s", readyTimeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" {
			a = "''"
		}
		out[i] = a
	}
	return out
}
