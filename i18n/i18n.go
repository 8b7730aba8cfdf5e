// Package i18n is how Mutasi speaks to the people who use it, in Bahasa
// Indonesia (the default) and English, by one rule: a text is a pair
// (Text) or a key of the pages' catalog (locales/<lang>.json, T), and In
// picks the language: "en" reads English, anything else Indonesian. Dates
// are written the same way everywhere (Date). Payloads the API answers
// with carry both texts (message and message_en); pages and mail pick
// one.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"
)

// Default is the language of whoever has not chosen one.
const Default = "id"

// Text is one text in Bahasa Indonesia and English.
type Text struct{ ID, EN string }

// In returns the text in lang: English for "en" (if there is one), else
// Indonesian.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.ID
}

// Pick returns id or en, by the same rule as Text.In.
func Pick(lang, id, en string) string { return Text{id, en}.In(lang) }

// months are the months' names.
var months = [12]Text{{"Januari", "January"}, {"Februari", "February"}, {"Maret", "March"}, {"April", "April"},
	{"Mei", "May"}, {"Juni", "June"}, {"Juli", "July"}, {"Agustus", "August"}, {"September", "September"},
	{"Oktober", "October"}, {"November", "November"}, {"Desember", "December"}}

// Date writes a day as people read it: "2 Januari 2027", "2 January 2027".
func Date(t time.Time, lang string) string {
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1].In(lang), t.Year())
}

// Month writes a month as people read it: "Januari 2027", "January 2027".
func Month(t time.Time, lang string) string {
	return fmt.Sprintf("%s %d", months[t.Month()-1].In(lang), t.Year())
}

//go:embed locales/*.json
var localeFS embed.FS

// catalog holds every page text by language and key.
var catalog = load()

func load() map[string]map[string]string {
	out := map[string]map[string]string{}
	files, err := fs.Glob(localeFS, "locales/*.json")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		b, err := localeFS.ReadFile(f)
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("%s: %v", f, err))
		}
		out[strings.TrimSuffix(path.Base(f), ".json")] = m
	}
	return out
}

// Known reports whether there are texts in lang.
func Known(lang string) bool {
	_, ok := catalog[lang]
	return ok
}

// T returns the catalog's text of key in lang, formatted with args; a
// missing key shows as itself, so it is seen and fixed.
func T(lang, key string, args ...any) string {
	t, ok := catalog[lang][key]
	if !ok {
		t, ok = catalog[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(t, args...)
	}
	return t
}

// Has reports whether the catalog has key in lang.
func Has(lang, key string) bool {
	_, ok := catalog[lang][key]
	return ok
}

// Langs lists the catalog's languages.
func Langs() []string {
	langs := make([]string, 0, len(catalog))
	for l := range catalog {
		langs = append(langs, l)
	}
	return langs
}

// Keys lists the catalog's keys in lang.
func Keys(lang string) []string {
	keys := make([]string, 0, len(catalog[lang]))
	for k := range catalog[lang] {
		keys = append(keys, k)
	}
	return keys
}
