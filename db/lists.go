package db

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// rowLists are the lists an employee's row keeps as JSON (models.Employee)
// that databases made before kept as child tables: the old table, the
// column, and the fields of an item, the list ordered by the first (as
// text, byte by byte, when byText, as Go sorts).
var rowLists = []struct {
	table, column string
	fields        []string
	byText        bool
}{
	{"employee_competencies", "competencies", []string{"name", "level"}, true},
	{"employee_skps", "skp", []string{"year", "predicate", "source"}, false},
}

// moveListsIntoRows moves the rows of each old child table of rowLists
// into its column of employees, a JSON list, and drops the table, in one
// transaction each. A field the old table lacks (source, added late) is
// empty; an employee whose list is already in their row keeps it. With
// no old table left it does nothing, so it runs any number of times. The
// lists it writes hold the same items as the import's, spelled
// differently (spacing, an empty source): the first import of the
// employees writes their rows again, once.
func moveListsIntoRows(conn *gorm.DB) error {
	for _, l := range rowLists {
		if !conn.Migrator().HasTable(l.table) {
			continue
		}
		pairs := make([]string, len(l.fields))
		for i, f := range l.fields {
			value := f
			if !conn.Migrator().HasColumn(l.table, f) {
				value = "''"
			}
			pairs[i] = "'" + f + "', " + value
		}
		list, collate := "json_agg(json_build_object(%s) ORDER BY %s)::text", ` COLLATE "C"`
		if IsSQLite(conn) {
			list, collate = "json_group_array(json_object(%s) ORDER BY %s)", " COLLATE BINARY"
		}
		order := l.fields[0]
		if l.byText {
			order += collate
		}
		lists := "SELECT nip, " + fmt.Sprintf(list, strings.Join(pairs, ", "), order) + " AS list FROM " + l.table + " GROUP BY nip"
		err := conn.Transaction(func(tx *gorm.DB) error {
			err := tx.Exec("UPDATE employees SET " + l.column + " = c.list FROM (" + lists + ") AS c WHERE employees.nip = c.nip AND employees." +
				l.column + " IS NULL").Error
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
