package dataset

import (
	"fmt"
	"strings"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// RequestCost describes the requests a dataset makes with src when it is
// exported alone over a year, with options o: "1/day" for one request per
// day, "4/year" for ranged endpoints, "" when src does not serve it.
// Datasets that share requests (heart_rate with resting_heart_rate) cost
// less together.
func RequestCost(d *Dataset, src Source, o Options) string {
	spec, ok := d.Sources[src]
	if !ok {
		return ""
	}
	o.Selected = map[string]bool{d.Name: true}
	from := dates.Date{Year: 2025, Month: 1, Day: 1}
	r := dates.Range{From: from, To: from.AddDays(364)}
	n := len(spec.Requests(o, r))
	switch {
	case n == 0:
		return "0"
	case n >= r.Days() && n%r.Days() == 0:
		return fmt.Sprintf("%d/day", n/r.Days())
	case n >= r.Days():
		return fmt.Sprintf("%d/day + %d/year", n/r.Days(), n%r.Days())
	default:
		return fmt.Sprintf("%d/year", n)
	}
}

// MarkdownTable renders the datasets src serves as Markdown for the README
// and `fitexport datasets --schema`: a summary table (dataset, kind, scopes,
// requests, description), then one table of columns (type, unit, meaning)
// per dataset.
func MarkdownTable(r *Registry, src Source) string {
	var sb strings.Builder
	o := DefaultOptions()
	sb.WriteString("| dataset | kind | scopes | requests (alone) | description |\n|---|---|---|---|---|\n")
	for _, d := range r.All() {
		spec, ok := d.Sources[src]
		if !ok {
			continue
		}
		fmt.Fprintf(&sb, "| `%s` | %s | %s | %s | %s |\n", d.Name, d.Kind, strings.Join(spec.Scopes, " "),
			RequestCost(d, src, o), mdEscape(d.Doc))
	}
	for _, d := range r.All() {
		if _, ok := d.Sources[src]; !ok {
			continue
		}
		fmt.Fprintf(&sb, "\n### `%s` (schema version %d)\n\n%s\n\n", d.Name, d.Version, d.Doc)
		sb.WriteString("| column | type | unit | meaning |\n|---|---|---|---|\n")
		for _, f := range d.Schema.Fields() {
			typ := transform.TypeName(f.Type)
			if f.Nullable {
				typ += ", nullable"
			}
			fmt.Fprintf(&sb, "| `%s` | %s | %s | %s |\n", f.Name, typ, mdEscape(transform.Unit(f)), mdEscape(transform.Doc(f)))
		}
	}
	return sb.String()
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
