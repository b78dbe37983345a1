package redistest

import (
	"bufio"
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clusterReadyTimeout bounds how long StartCluster waits for every node to
// report cluster_state:ok: set-up, generous for a busy 2-core machine.
const clusterReadyTimeout = 30 * time.Second

// Cluster is a Redis Cluster of masters without replicas, each a Server.
type Cluster struct {
	// Nodes are the masters, in the order they were created.
	Nodes []*Server
}

// StartCluster runs n redis-server masters (n ≥ 3) on free loopback ports
// with cluster mode on and no persistence, joins them with `redis-cli
// --cluster create`, and waits until every node says cluster_state:ok.
// The test's cleanup kills them.
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	if n < 3 {
		t.Fatalf("redistest: a Redis Cluster needs at least 3 masters, not %d", n)
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Fatalf("redistest: redis-cli is not installed (%v): run `make deps` (the Debian package redis-server brings it)", err)
	}
	c := &Cluster{}
	args := []string{"--cluster", "create"}
	for range n {
		conf := filepath.Join(t.TempDir(), "nodes.conf")
		s := Start(t, Args("--cluster-enabled", "yes", "--cluster-config-file", conf,
			// A killed master is marked failed after this: the tests count
			// answers, they never wait for it.
			"--cluster-node-timeout", "5000"))
		c.Nodes = append(c.Nodes, s)
		args = append(args, s.Addr())
	}
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), clusterReadyTimeout)
	defer cancel()
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redistest: redis-cli %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	deadline := time.Now().Add(clusterReadyTimeout)
	for _, s := range c.Nodes {
		for {
			state, err := clusterState(s.Addr())
			if err == nil && state == "ok" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("redistest: node %s: cluster_state %q (%v) after %s", s.Addr(), state, err, clusterReadyTimeout)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return c
}

// Addrs are the nodes' host:port.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.Nodes))
	for i, s := range c.Nodes {
		addrs[i] = s.Addr()
	}
	return addrs
}

// URL is the cluster as a REDIS_URL: the first node, and the others as
// addr= parameters (go-redis's ParseClusterURL).
func (c *Cluster) URL() string {
	addrs := c.Addrs()
	u := "redis://" + addrs[0]
	for i, a := range addrs[1:] {
		if i == 0 {
			u += "?"
		} else {
			u += "&"
		}
		u += "addr=" + a
	}
	return u
}

// clusterState asks addr for CLUSTER INFO and returns its cluster_state.
func clusterState(addr string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("CLUSTER INFO\r\n")); err != nil {
		return "", err
	}
	r := bufio.NewReader(conn)
	// A bulk string: "$LEN", then lines of "field:value".
	if _, err := r.ReadString('\n'); err != nil {
		return "", err
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "cluster_state:"); ok {
			return v, nil
		}
	}
}
