package testkit

import (
	"bytes"
	"sync"
)

// Output collects what a process or a logger writes; a test may read it
// while it is being written.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write adds p to the output.
func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

// String is the output so far.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}
