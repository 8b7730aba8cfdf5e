package selection

// PairList holds eligible (position, employee, score) pairs compactly: each
// name once, each pair as two numbers into the name lists and a score. It
// is what the mutasi select command reads its CSV files into; Add builds
// one from names.
type PairList struct {
	Positions []string // names; Pos[k] is an index into it
	Employees []string // names; Emp[k] is an index into it
	Pos, Emp  []int32
	Score     []float64

	posIdx, empIdx map[string]int32
}

// Len is the number of pairs.
func (l *PairList) Len() int { return len(l.Pos) }

// Add appends a pair, numbering names it has not seen before.
func (l *PairList) Add(position, employee string, score float64) {
	if l.posIdx == nil {
		l.posIdx, l.empIdx = map[string]int32{}, map[string]int32{}
		for i, n := range l.Positions {
			l.posIdx[n] = int32(i)
		}
		for i, n := range l.Employees {
			l.empIdx[n] = int32(i)
		}
	}
	l.Pos = append(l.Pos, intern(l.posIdx, &l.Positions, position))
	l.Emp = append(l.Emp, intern(l.empIdx, &l.Employees, employee))
	l.Score = append(l.Score, score)
}

// At returns pair k with its names.
func (l *PairList) At(k int) Pair {
	return Pair{Position: l.Positions[l.Pos[k]], Employee: l.Employees[l.Emp[k]], Score: l.Score[k]}
}

// PairListOf builds a PairList from pairs, in their order.
func PairListOf(pairs []Pair) PairList {
	var l PairList
	for _, p := range pairs {
		l.Add(p.Position, p.Employee, p.Score)
	}
	return l
}

// intern returns the number of name, adding it to names if it is new.
func intern(idx map[string]int32, names *[]string, name string) int32 {
	if i, ok := idx[name]; ok {
		return i
	}
	i := int32(len(*names))
	idx[name] = i
	*names = append(*names, name)
	return i
}
