package digest

import "fmt"

// MoreLabel is the label of a "More (N)" button with n stories or results
// left: the digests' and /search's.
func MoreLabel(lang string, n int) string {
	if uiLang(lang) == "ar" {
		return fmt.Sprintf("المزيد (%d)", n)
	}
	return fmt.Sprintf("More (%d)", n)
}
