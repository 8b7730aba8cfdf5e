package server

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// The pages' texts live in one file per language, locales/<lang>.json,
// keyed alike; Bahasa Indonesia is the default.

//go:embed locales/*.json
var localeFS embed.FS

// defaultLang is the language of a visitor who has not chosen one.
const defaultLang = "id"

// texts holds every page text by language and key.
var texts = loadTexts()

func loadTexts() map[string]map[string]string {
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

// knownLang reports whether there are texts in lang.
func knownLang(lang string) bool {
	_, ok := texts[lang]
	return ok
}

// translate returns the text of key in lang, formatted with args; a
// missing key shows as itself, so it is seen and fixed.
func translate(lang, key string, args ...any) string {
	t, ok := texts[lang][key]
	if !ok {
		t, ok = texts[defaultLang][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(t, args...)
	}
	return t
}
