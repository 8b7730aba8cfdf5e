#!/usr/bin/python3
"""Solve a mutasi select instance with scipy.optimize.linear_sum_assignment.

    /usr/bin/python3 bench/scipy_solve.py --pairs pairs.csv [--seats seats.csv]

It reads the same files as `mutasi select` and solves the same problem: fill
as many seats as possible, then maximise the total score. scipy has no
notion of "fill as many as possible", so the problem is stated as a dense
minimum-cost assignment that every row can complete:

  * rows are seats: a position with s seats gives s rows (a position that
    seats.csv does not list has one seat, 0 seats gives none; seats beyond
    the position's number of candidates can never be filled and are dropped);
  * columns are the employees, plus one private "empty" column per row;
  * an eligible pair costs (max score - score), in [0, range];
  * a forbidden pair costs +inf, as scipy allows when a finite complete
    assignment exists, which the empty columns guarantee;
  * row r's empty column costs BIG = rows * range + 1 (1 if all scores are
    equal), every other row's costs +inf there.

An assignment with one more empty seat costs at least BIG more and saves at
most rows * range < BIG, so the minimum cost is the lexicographic optimum.
The total is then the sum of the original scores of the filled seats.

The dense matrix has rows x (employees + rows) float64 entries; --max-gb
(default 8) refuses larger ones rather than exhausting memory. It prints
`total=<sum> assigned=<count>` as its last line and the timings before it.
"""

import argparse
import csv
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment


def read_pairs(path):
    pos_idx, emp_idx = {}, {}
    p_col, e_col, s_col = [], [], []
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        if [h.strip().lower() for h in header] != ["position", "employee", "score"]:
            sys.exit(f"{path} line 1: header {header}, want position,employee,score")
        for row in r:
            p, e, s = row
            p_col.append(pos_idx.setdefault(p, len(pos_idx)))
            e_col.append(emp_idx.setdefault(e, len(emp_idx)))
            s_col.append(float(s))
    return pos_idx, emp_idx, np.array(p_col, dtype=np.int64), np.array(e_col, dtype=np.int64), np.array(s_col)


def read_seats(path):
    seats = {}
    if path:
        with open(path, newline="") as f:
            r = csv.reader(f)
            next(r)
            for p, n in r:
                seats[p] = int(n)
    return seats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--seats")
    ap.add_argument("--max-gb", type=float, default=8.0)
    a = ap.parse_args()

    t0 = time.perf_counter()
    pos_idx, emp_idx, p_col, e_col, s_col = read_pairs(a.pairs)
    seats_by_name = read_seats(a.seats)
    t_read = time.perf_counter() - t0

    n_pos, n_emp = len(pos_idx), len(emp_idx)
    degree = np.bincount(p_col, minlength=n_pos)
    seats = np.ones(n_pos, dtype=np.int64)
    for name, i in pos_idx.items():
        seats[i] = seats_by_name.get(name, 1)
    seats = np.minimum(seats, degree)
    rows = int(seats.sum())
    cols = n_emp + rows
    gb = rows * cols * 8 / 1e9
    if gb > a.max_gb:
        print(f"skipped: the dense cost matrix would be {rows} x {cols} float64 = {gb:.1f} GB (over --max-gb {a.max_gb})")
        return 3

    t0 = time.perf_counter()
    hi, lo = (s_col.max(), s_col.min()) if len(s_col) else (0.0, 0.0)
    big = rows * (hi - lo) + 1.0
    row_start = np.concatenate(([0], np.cumsum(seats)[:-1]))
    cost = np.full((rows, cols), np.inf)
    c = hi - s_col
    for k in range(int(seats.max()) if rows else 0):
        m = seats[p_col] > k
        cost[row_start[p_col[m]] + k, e_col[m]] = c[m]
    cost[np.arange(rows), n_emp + np.arange(rows)] = big
    t_build = time.perf_counter() - t0

    t0 = time.perf_counter()
    r_ind, c_ind = linear_sum_assignment(cost)
    t_solve = time.perf_counter() - t0

    real = c_ind < n_emp
    row_pos = np.repeat(np.arange(n_pos), seats)
    filled_pos, filled_emp = row_pos[r_ind[real]], c_ind[real]
    # Look the chosen pairs' scores up in the input.
    score = dict(zip(zip(p_col.tolist(), e_col.tolist()), s_col.tolist()))
    total = sum(score[(p, e)] for p, e in zip(filled_pos.tolist(), filled_emp.tolist()))
    print(f"read={t_read:.3f}s build={t_build:.3f}s solve={t_solve:.3f}s matrix={rows}x{cols} ({gb:.2f} GB)")
    print(f"total={total!r} assigned={int(real.sum())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
