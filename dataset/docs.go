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
// requests, description) and the datasets src does not serve, then one
// table of columns (type, unit, meaning) per dataset. Where the source fills
// the dataset differently from its description, a line says how, and the
// column table gets a column "on {src}" marking the columns that source
// leaves null or derives (Spec.Notes and Spec.ColumnNotes).
func MarkdownTable(r *Registry, src Source) string {
	var sb strings.Builder
	o := DefaultOptions()
	sb.WriteString("| dataset | kind | scopes | requests (alone) | description |\n|---|---|---|---|---|\n")
	var missing []string
	for _, d := range r.All() {
		spec, ok := d.Sources[src]
		if !ok {
			missing = append(missing, "`"+d.Name+"`")
			continue
		}
		fmt.Fprintf(&sb, "| `%s` | %s | %s | %s | %s |\n", d.Name, d.Kind, strings.Join(spec.Scopes, " "),
			RequestCost(d, src, o), mdEscape(d.Doc))
	}
	if len(missing) > 0 {
		fmt.Fprintf(&sb, "\nNot available from %s: %s.\n", src, strings.Join(missing, ", "))
	}
	for _, d := range r.All() {
		spec, ok := d.Sources[src]
		if !ok {
			continue
		}
		fmt.Fprintf(&sb, "\n### `%s` (schema version %d)\n\n%s\n\n", d.Name, d.Version, d.Doc)
		if spec.Notes != "" {
			fmt.Fprintf(&sb, "On %s: %s\n\n", src, spec.Notes)
		}
		notes := len(spec.ColumnNotes) > 0
		if notes {
			fmt.Fprintf(&sb, "| column | type | unit | meaning | on %s |\n|---|---|---|---|---|\n", src)
		} else {
			sb.WriteString("| column | type | unit | meaning |\n|---|---|---|---|\n")
		}
		for _, f := range d.Schema.Fields() {
			typ := transform.TypeName(f.Type)
			if f.Nullable {
				typ += ", nullable"
			}
			fmt.Fprintf(&sb, "| `%s` | %s | %s | %s |", f.Name, typ, mdEscape(transform.Unit(f)), mdEscape(transform.Doc(f)))
			if notes {
				fmt.Fprintf(&sb, " %s |", mdEscape(spec.ColumnNotes[f.Name]))
			}
			sb.WriteString("\n")
		}
	}
	return sb.String()
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
