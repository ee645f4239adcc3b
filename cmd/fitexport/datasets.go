package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fitexport/fitexport/dataset"
)

func newDatasetsCmd(app *App) *cobra.Command {
	var source string
	var schema bool
	cmd := &cobra.Command{
		Use:   "datasets",
		Short: "List what can be exported: scopes, request cost per day and schema",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			src := dataset.Source(source)
			if source == "sandbox" {
				src = dataset.Fitbit
			}
			if src != dataset.Fitbit && src != dataset.Google {
				return usagef("--source %q: want fitbit, google-health or sandbox", source)
			}
			reg := dataset.Default()
			tw := tabwriter.NewWriter(app.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "DATASET\tKIND\tSCOPES\tREQUESTS\tCOLUMNS")
			for _, d := range reg.All() {
				spec, ok := d.Sources[src]
				if !ok {
					continue
				}
				var cols []string
				for _, f := range d.Schema.Fields() {
					cols = append(cols, f.Name)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Name, d.Kind, strings.Join(spec.Scopes, " "),
					dataset.RequestCost(d, src, dataset.DefaultOptions()), strings.Join(cols, ", "))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if schema {
				fmt.Fprintln(app.Stdout)
				fmt.Fprint(app.Stdout, dataset.MarkdownTable(reg, src))
			}
			fmt.Fprintln(app.Stdout, "\nREQUESTS counts the dataset's own calls when exported alone; datasets that share an answer (heart_rate feeds resting_heart_rate and heart_rate_zones) cost nothing extra together.")
			return nil
		},
	}
	cmd.Flags().StringVar(&source, "source", "fitbit", "source: fitbit, google-health or sandbox")
	cmd.Flags().BoolVar(&schema, "schema", false, "also print every column with its type, unit and meaning (Markdown)")
	return cmd
}
