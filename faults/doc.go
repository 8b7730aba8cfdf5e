// Package faults proves that a transfer round survives the failures a
// production installation meets: the worker killed mid-round, the
// Temporal server restarted, PostgreSQL down for twenty seconds. Its tests
// run rounds of at least 200 transfers through a real Temporal dev server
// and PostgreSQL with the round's weeks compressed into seconds, inject
// the fault, and then check that nothing was lost and nothing doubled.
// Two more run on the production shape (testkit.Cluster): a round of
// 3,000 transfers through three worker and two API server processes,
// with a worker and an API server killed and the Temporal server
// restarted; and a backup restored halfway through a round.
//
// The package holds only tests and their helpers; PGCluster, a private
// PostgreSQL cluster that a test may stop and start, is exported for
// other tests and the benchmarks.
package faults
