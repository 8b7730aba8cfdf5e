package db

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// rowLists are the lists an employee's row keeps as JSON (models.Employee)
// that databases made before kept as child tables: the old table, the
// column, and the fields of an item, the list ordered by the first.
var rowLists = []struct {
	table, column string
	fields        []string
}{
	{"employee_competencies", "competencies", []string{"name", "level"}},
	{"employee_skps", "skp", []string{"year", "predicate", "source"}},
}

// moveListsIntoRows moves the rows of each old child table of rowLists
// into its column of employees, a JSON list, and drops the table, in one
// transaction each. With no old table left it does nothing, so it runs
// any number of times.
func moveListsIntoRows(conn *gorm.DB) error {
	for _, l := range rowLists {
		if !conn.Migrator().HasTable(l.table) {
			continue
		}
		pairs := make([]string, len(l.fields))
		for i, f := range l.fields {
			pairs[i] = "'" + f + "', " + f
		}
		list := "json_agg(json_build_object(%s) ORDER BY %s)::text"
		if IsSQLite(conn) {
			list = "json_group_array(json_object(%s) ORDER BY %s)"
		}
		lists := "SELECT nip, " + fmt.Sprintf(list, strings.Join(pairs, ", "), l.fields[0]) + " AS list FROM " + l.table + " GROUP BY nip"
		err := conn.Transaction(func(tx *gorm.DB) error {
			err := tx.Exec("UPDATE employees SET " + l.column + " = c.list FROM (" + lists + ") AS c WHERE employees.nip = c.nip").Error
			if err != nil {
				return err
			}
			return tx.Exec("DROP TABLE " + l.table).Error
		})
		if err != nil {
			return err
		}
	}
	return nil
}
