package message

// pluralCategory is a CLDR plural category. Only the categories that the
// built-in languages use for whole numbers exist here.
type pluralCategory uint8

const (
	other pluralCategory = iota
	one
	many
)

// pluralRule returns the CLDR cardinal category of a whole number n ≥ 0.
type pluralRule func(n int) pluralCategory

// oneIsOne is the rule of en, sv, de, nl, da, nb and fi for whole numbers:
// "one" is exactly 1 (CLDR: i = 1 and v = 0, or n = 1 for da).
func oneIsOne(n int) pluralCategory {
	if n == 1 {
		return one
	}
	return other
}

// zeroAndOneAreOne is French: 0 and 1 take the singular ("0 jour ouvré",
// CLDR: i = 0,1), and whole millions take "many" ("1 000 000 de jours").
func zeroAndOneAreOne(n int) pluralCategory {
	switch {
	case n == 0 || n == 1:
		return one
	case n%1_000_000 == 0:
		return many
	}
	return other
}

// spanishPlural is es: n = 1 is "one"; whole millions are "many" (CLDR 38+).
func spanishPlural(n int) pluralCategory {
	switch {
	case n == 1:
		return one
	case n != 0 && n%1_000_000 == 0:
		return many
	}
	return other
}

// forms are the word forms of a noun by plural category. many falls back
// to other: the built-in languages only differ there for whole millions,
// which no delivery time reaches.
type forms struct{ one, other string }

func (f forms) of(c pluralCategory) string {
	if c == one {
		return f.one
	}
	return f.other
}

// rangeCategory is the plural category of a range "a–b" (a < b). CLDR's
// plural ranges give the category of the end for these languages, with one
// exception natives agree on: a range ending in 1 ("0–1") is plural, except
// in French, where 0 and 1 are both singular ("0–1 jour ouvré").
func rangeCategory(rule pluralRule, a, b int) pluralCategory {
	ca, cb := rule(a), rule(b)
	if cb == one && ca != one {
		return other
	}
	return cb
}
