package syntax

import (
	"fmt"
	"reflect"
	"strings"
)

var posType = reflect.TypeOf(Pos(0))

// Dump returns an indented, position-free description of the tree rooted
// at n (a Node or a *File). Two trees that Dump the same have the same
// structure and content; tests use it to compare a parse with the parse of
// its printed form.
func Dump(n any) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(n), 0)
	return b.String()
}

func dumpValue(b *strings.Builder, v reflect.Value, depth int) {
	indent := strings.Repeat("  ", depth)
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil\n")
			return
		}
		dumpValue(b, v.Elem(), depth)
	case reflect.Struct:
		fmt.Fprintf(b, "%s {\n", v.Type().Name())
		for i := 0; i < v.NumField(); i++ {
			field := v.Type().Field(i)
			if field.Type == posType || !field.IsExported() || field.Name == "Comments" {
				continue
			}
			fmt.Fprintf(b, "%s  %s: ", indent, field.Name)
			dumpValue(b, v.Field(i), depth+1)
		}
		fmt.Fprintf(b, "%s}\n", indent)
	case reflect.Slice:
		if v.Len() == 0 {
			b.WriteString("[]\n")
			return
		}
		b.WriteString("[\n")
		for i := 0; i < v.Len(); i++ {
			b.WriteString(indent + "  ")
			dumpValue(b, v.Index(i), depth+1)
		}
		fmt.Fprintf(b, "%s]\n", indent)
	case reflect.String:
		fmt.Fprintf(b, "%q\n", v.String())
	default:
		fmt.Fprintf(b, "%v\n", v.Interface())
	}
}
