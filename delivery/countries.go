package delivery

// isoCountryCodes lists every currently assigned ISO 3166-1 alpha-2 code
// (249 of them), sorted, one space apart. It matches the iso-codes and tzdata
// iso3166.tab lists. Reserved and withdrawn codes ("UK", "EU", "AN"...) are
// not in it.
const isoCountryCodes = "" +
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ " +
	"EC EE EG EH ER ES ET " +
	"FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU " +
	"ID IE IL IM IN IO IQ IR IS IT " +
	"JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ " +
	"LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ " +
	"OM " +
	"PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
	"QA " +
	"RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
	"UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU " +
	"WF WS " +
	"YE YT " +
	"ZA ZM ZW"

// isoCountrySet has one entry per pair of letters A–Z, indexed (c0-'A')*26+(c1-'A').
var isoCountrySet = func() (set [26 * 26]bool) {
	for i := 0; i+1 < len(isoCountryCodes); i += 3 {
		set[int(isoCountryCodes[i]-'A')*26+int(isoCountryCodes[i+1]-'A')] = true
	}
	return set
}()

// KnownCountry reports whether code is an assigned ISO 3166-1 alpha-2 country
// code, in upper case ("SE", "US", "NO"...). Lower case, reserved codes such
// as "UK" and the zone wildcard "*" are not countries.
func KnownCountry(code string) bool {
	if len(code) != 2 {
		return false
	}
	a, b := code[0], code[1]
	if a < 'A' || a > 'Z' || b < 'A' || b > 'Z' {
		return false
	}
	return isoCountrySet[int(a-'A')*26+int(b-'A')]
}
