/* Unit tests: Sprig v3.3.0 and Helm's functions, one group per family.
 * Expected values come from Sprig's documentation and test tables and
 * from the Go libraries the functions wrap (strings, regexp, encoding/json,
 * mergo, cast, semver, time). */
#include "testutil.h"

#include "mc/gotmpl.h"

static char *run(enum gt_funcset fs, const char *tpl, const char *yaml, int *rc)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct gt_value dot = gt_invalid();
	if (yaml) {
		struct ir_docs docs;
		cr_assert_eq(tu_load(&ctx, yaml, YAML_V3, 0, &docs), 0);
		dot = gt_from_ir(&ctx.arena, docs.items[0], GT_NUM_JSON);
	}
	struct gt_set *set = gt_set_new(&ctx, fs);
	gt_set_clock(set, 1700000000);
	struct gt_src src = { .name = "t", .text = tpl, .len = strlen(tpl) };
	struct gt_error err;
	struct sbuf out = SBUF_INIT;
	*rc = gt_parse(set, &src, &err);
	if (!*rc)
		*rc = gt_exec(set, "t", dot, NULL, &out, &err);
	char *r = *rc ? xstrdup(err.msg) : sbuf_detach(&out, NULL);
	sbuf_release(&out);
	mc_ctx_release(&ctx);
	return r;
}

#define EQ(tpl, want) EQD(tpl, NULL, want)
#define EQD(tpl, yaml, want) do { \
		int rc_; \
		char *o_ = run(GT_FUNCS_SPRIG, tpl, yaml, &rc_); \
		cr_assert_eq(rc_, 0, "%s: %s", tpl, o_); \
		cr_assert_str_eq(o_, want, "%s", tpl); \
		free(o_); \
	} while (0)
#define HELM(tpl, yaml, want) do { \
		int rc_; \
		char *o_ = run(GT_FUNCS_HELM, tpl, yaml, &rc_); \
		cr_assert_eq(rc_, 0, "%s: %s", tpl, o_); \
		cr_assert_str_eq(o_, want, "%s", tpl); \
		free(o_); \
	} while (0)
#define FAILS(tpl, substr) do { \
		int rc_; \
		char *o_ = run(GT_FUNCS_SPRIG, tpl, NULL, &rc_); \
		cr_assert_neq(rc_, 0, "%s: expected an error, got %s", tpl, o_); \
		cr_assert(strstr(o_, substr) != NULL, "%s: %s", tpl, o_); \
		free(o_); \
	} while (0)

Test(sprig, strings)
{
	EQ("{{trunc 3 \"abcdef\"}}|{{trunc -2 \"abcdef\"}}|{{abbrev 5 \"hello world\"}}", "abc|ef|he...");
	EQ("{{title \"hello wORLD\"}}|{{untitle \"Hello World\"}}|{{swapcase \"This Is A.Test\"}}",
		"Hello WORLD|hello world|tHIS iS a.tEST");
	EQ("{{snakecase \"HTTPServer\"}}|{{kebabcase \"FirstName\"}}|{{camelcase \"http_server\"}}",
		"http_server|first-name|HttpServer");
	EQ("{{indent 2 \"a\\nb\"}}|{{nindent 1 \"x\"}}", "  a\n  b|\n x");
	EQ("{{quote \"a\" 1 nil}}|{{squote \"b\"}}|{{cat \"a\" nil 2}}", "\"a\" \"1\"|'b'|a 2");
	EQ("{{wrap 5 \"Hello World\"}}|{{wrapWith 5 \"\\t\" \"HelloWorld\"}}", "Hello\nWorld|Hello\tWorld");
	EQ("{{\"abc\" | replace \"b\" \"X\"}}|{{splitList \",\" \"a,b\"}}|{{join \"-\" (list 1 \"x\" nil)}}",
		"aXc|[a b]|1-x");
	EQ("{{$p := split \"$\" \"a$b\"}}{{$p._1}}|{{splitn \"$\" 2 \"a$b$c\"}}", "b|map[_0:a _1:b$c]");
	EQ("{{b64enc \"hi\"}}|{{b64dec \"aGk=\"}}|{{b64dec \"!!\"}}|{{b32enc \"hi\"}}|{{b32dec \"NBUQ====\"}}",
		"aGk=|hi|illegal base64 data at input byte 0|NBUQ====|hi");
	FAILS("{{substr -1 10 \"abc\"}}", "slice bounds out of range");
}

Test(sprig, defaults_and_conversions)
{
	EQ("{{default \"d\" \"\"}}|{{default \"d\" 0}}|{{default \"d\" 3}}|{{empty (list)}}|{{coalesce 0 \"\" \"x\"}}",
		"d|d|3|true|x");
	EQ("{{int \"0x1F\"}}|{{int64 \"12.0\"}}|{{int 3.9}}|{{float64 \"1.5\"}}|{{atoi \"12x\"}}|{{toString 1.5}}",
		"31|12|3|1.5|0|1.5");
	EQ("{{ternary \"y\" \"n\" true}}|{{typeOf (list)}}|{{kindOf (dict)}}|{{typeIsLike \"int\" 3}}",
		"y|[]interface {}|map|true");
}

Test(sprig, math)
{
	EQ("{{add 1 2 \"3\"}}|{{sub 1 5}}|{{mul 2 3 4}}|{{div 7 2}}|{{mod 7 3}}|{{max 1 9 3}}|{{min 4 2}}",
		"6|-4|24|3|1|9|2");
	EQ("{{addf 0.1 0.2}}|{{subf 1 0.9}}|{{mulf 1.1 3}}|{{divf 1 3}}|{{floor 1.7}}|{{ceil 1.2}}|{{round 2.345 2}}",
		"0.3|0.1|3.3|0.3333333333333333|1|2|2.35");
	EQ("{{until 3}}|{{untilStep 1 7 2}}|{{seq 3}}|{{seq 5 -1 3}}", "[0 1 2]|[1 3 5]|1 2 3|5 4 3");
	FAILS("{{div 1 0}}", "integer divide by zero");
}

Test(sprig, lists)
{
	EQ("{{first (list 1 2)}}|{{last (list 1 2)}}|{{rest (list 1 2 3)}}|{{initial (list 1 2 3)}}",
		"1|2|[2 3]|[1 2]");
	EQ("{{uniq (list 1 1 \"a\" \"a\")}}|{{without (list 1 2 3) 2}}|{{has 2 (list 1 2)}}|{{reverse (list 1 2)}}",
		"[1 a]|[1 3]|true|[2 1]");
	EQ("{{compact (list 0 1 \"\" \"x\")}}|{{concat (list 1) (list 2 3)}}|{{chunk 2 (list 1 2 3)}}",
		"[1 x]|[1 2 3]|[[1 2] [3]]");
	EQ("{{sortAlpha (list \"b\" \"a\" 3)}}|{{slice (list 1 2 3) 1 2}}|{{prepend (list 2) 1}}",
		"[3 a b]|[2]|[1 2]");
	FAILS("{{first \"abc\"}}", "Cannot find first on type string");
}

Test(sprig, dicts)
{
	EQ("{{$d := dict \"a\" 1 \"b\" 2}}{{get $d \"a\"}}|{{hasKey $d \"b\"}}|{{keys $d}}|{{values $d}}",
		"1|true|[a b]|[1 2]");
	EQ("{{$d := dict \"a\" 1 \"b\" 2}}{{pick $d \"a\"}}|{{omit $d \"a\"}}|{{unset $d \"a\"}}|{{$d}}",
		"map[a:1]|map[b:2]|map[b:2]|map[b:2]");
	EQ("{{$dst := dict \"a\" 1 \"n\" (dict \"x\" 1)}}{{merge $dst (dict \"a\" 2 \"b\" 3 \"n\" (dict \"y\" 2))}}",
		"map[a:1 b:3 n:map[x:1 y:2]]");
	EQ("{{$dst := dict \"a\" 1 \"e\" \"\"}}{{mergeOverwrite $dst (dict \"a\" 2 \"e\" \"x\")}}",
		"map[a:2 e:x]");
	EQ("{{dig \"a\" \"b\" \"def\" (dict \"a\" (dict \"b\" 7))}}|{{dig \"a\" \"z\" \"def\" (dict \"a\" (dict))}}",
		"7|def");
	EQ("{{$a := dict \"x\" (list 1)}}{{$b := deepCopy $a}}{{$_ := set $b \"y\" 2}}{{$a}} {{$b}}",
		"map[x:[1]] map[x:[1] y:2]");
}

Test(sprig, regex)
{
	EQ("{{regexMatch \"^[a-z]+\\\\d$\" \"abc1\"}}|{{regexFind \"[0-9]+\" \"ab12cd34\"}}|{{regexFindAll \"a.\" \"aXaYa\" -1}}",
		"true|12|[aX aY]");
	EQ("{{regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\"}}|{{regexReplaceAllLiteral \"a\" \"aa\" \"$1\"}}|{{regexSplit \"z+\" \"pizza\" -1}}",
		"-W-xxW-|$1$1|[pi a]");
	EQ("{{regexMatch \"a$\" \"a\\n\"}}|{{regexMatch \"(?i)ABC\" \"xabc\"}}|{{regexQuoteMeta \"1.2\"}}",
		"false|true|1\\.2");
	EQ("{{regexMatch \"(?=x)\" \"x\"}}", "false");
	FAILS("{{regexFind \"a**\" \"a\"}}", "invalid nested repetition operator: `**`");
	FAILS("{{mustRegexFind \"\\\\1\" \"a\"}}", "invalid escape sequence: `\\1`");
}

Test(sprig, json_paths_urls)
{
	EQ("{{toJson (dict \"b\" \"<x>\" \"a\" (list 1 1.5 nil))}}|{{toRawJson (dict \"h\" \"<&>\")}}",
		"{\"a\":[1,1.5,null],\"b\":\"\\u003cx\\u003e\"}|{\"h\":\"<&>\"}");
	EQ("{{toPrettyJson (dict \"a\" (list 1))}}", "{\n  \"a\": [\n    1\n  ]\n}");
	EQ("{{(fromJson \"{\\\"a\\\": 1}\").a}}|{{typeOf (fromJson \"{\\\"a\\\": 1}\").a}}", "1|float64");
	EQ("{{base \"a/b.txt\"}}|{{dir \"a/b/c\"}}|{{ext \"x.tar.gz\"}}|{{clean \"a//b/../c/\"}}|{{isAbs \"/x\"}}",
		"b.txt|a/b|.gz|a/c|true");
	EQ("{{$u := urlParse \"https://u:p@host:8080/p/a%20b?q=1#f\"}}{{$u.host}} {{$u.hostname}} {{$u.path}} {{$u.query}} {{$u.userinfo}}",
		"host:8080 host /p/a b q=1 u:p");
	EQ("{{urlJoin (dict \"scheme\" \"http\" \"host\" \"h\" \"path\" \"/a b\" \"query\" \"x=1\")}}",
		"http://h/a%20b?x=1");
}

Test(sprig, semver_and_dates)
{
	EQ("{{semverCompare \">=1.21.0-0\" \"v1.20.0\"}}|{{semverCompare \"^1.2\" \"1.9.0\"}}|{{(semver \"1.2.3\").Minor}}",
		"false|true|2");
	EQ("{{now | date \"2006-01-02 15:04 MST\"}}|{{date \"Jan 2, 2006\" 86400}}|{{toDate \"2006-01-02\" \"2020-02-29\" | unixEpoch}}",
		"2023-11-14 22:13 UTC|Jan 2, 1970|1582934400");
	EQ("{{duration \"3661\"}}|{{durationRound \"2h5s\"}}|{{dateModify \"-1h\" (toDate \"2006\" \"2001\")}}",
		"1h1m1s|2h|2000-12-31 23:00:00 +0000 UTC");
}

Test(sprig, crypto_and_random)
{
	EQ("{{sha1sum \"abc\"}}|{{adler32sum \"abc\"}}", "a9993e364706816aba3e25717850c26c9cd0d89d|38600999");
	EQ("{{\"secret\" | encryptAES \"k\" | decryptAES \"k\"}}", "secret");
	/* seeded: the same template gives the same values */
	int rc;
	char *a = run(GT_FUNCS_SPRIG, "{{randAlphaNum 12}} {{uuidv4}}", NULL, &rc);
	char *b = run(GT_FUNCS_SPRIG, "{{randAlphaNum 12}} {{uuidv4}}", NULL, &rc);
	cr_assert_str_eq(a, b);
	cr_assert_eq(strlen(a), 12 + 1 + 36);
	cr_assert_eq(a[12 + 1 + 14], '4');
	free(a);
	free(b);
	FAILS("{{getHostByName \"example.com\"}}", "not supported");
}

/* fromToml's Error text is BurntSushi/toml v1.6.0's ParseError.Error():
 * the lexer state's message, the line (a newline or an end of input right
 * after one reports the line before), and "(last key ...)" = the table
 * context plus the key whose value was being read. */
Test(helm, toml_errors)
{
	HELM("{{(fromToml \"k\").Error}}", NULL, "toml: line 1: unexpected EOF; expected key separator '='");
	HELM("{{(fromToml \"a = 1\\nk v\").Error}}", NULL, "toml: line 2: expected '.' or '=', but got 'v' instead");
	HELM("{{(fromToml \"a = 1\\nk\\n\").Error}}", NULL, "toml: line 2: expected '.' or '=', but got '\\n' instead");
	HELM("{{(fromToml \" = 1\").Error}}|{{(fromToml \".k = 1\").Error}}|{{(fromToml \"k. = 1\").Error}}", NULL,
		"toml: line 1: unexpected '=': key name appears blank|"
		"toml: line 1: unexpected '.': keys cannot start with a '.'|toml: line 1: unexpected '='");
	HELM("{{(fromToml \"[s.t]\\nk = yes\").Error}}", NULL,
		"toml: line 2 (last key \"s.t.k\"): expected value but found \"yes\" instead");
	HELM("{{(fromToml \"k = .5\").Error}}|{{(fromToml \"k = ?\").Error}}", NULL,
		"toml: line 1 (last key \"k\"): floats must start with a digit, not '.'|"
		"toml: line 1 (last key \"k\"): expected value but found '?' instead");
	HELM("{{(fromToml \"k = [1,\\n\").Error}}|{{(fromToml \"k = [,]\").Error}}|{{(fromToml \"k = [1 2]\").Error}}",
		NULL,
		"toml: line 1 (last key \"k\"): unexpected EOF; expected value|"
		"toml: line 1 (last key \"k\"): unexpected comma|"
		"toml: line 1 (last key \"k\"): expected a comma (',') or array terminator (']'), but got '2'");
	HELM("{{(fromToml \"[\\\"a b\\\"]\\nx.y = {p = 1 q = 2}\").Error}}", NULL,
		"toml: line 2 (last key \"\\\"a b\\\".x.y.p\"): expected a comma or an inline table terminator '}', but got 'q' instead");
	HELM("{{(fromToml \"k = 1 2\").Error}}", NULL,
		"toml: line 1: expected a top-level item to end with a newline, comment, or EOF, but got '2' instead");
	/* v1.6 inline tables: newlines, comments and one trailing comma */
	HELM("{{fromToml \"t = {a = 1, # c\\n b = 2,}\"}}", NULL, "map[t:map[a:1 b:2]]");
	HELM("{{(fromToml \"t = {a = 1,,}\").Error}}", NULL, "toml: line 1 (last key \"t.a\"): unexpected comma");
	/* parse.go's number checks and redefinitions (at the key's line) */
	HELM("{{(fromToml \"a = 1.\").Error}}|{{(fromToml \"a = 1_\").Error}}|{{(fromToml \"a = 01\").Error}}", NULL,
		"toml: line 1 (last key \"a\"): Invalid float \"1.\": '.' must be followed by one or more digits|"
		"toml: line 1 (last key \"a\"): Invalid integer \"1_\": underscores must be surrounded by digits|"
		"toml: line 1 (last key \"a\"): Invalid integer \"01\": cannot have leading zeroes");
	HELM("{{(fromToml \"a = +\").Error}}|{{(fromToml \"a = 1e999\").Error}}|{{(fromToml \"a = 99999999999999999999\").Error}}",
		NULL,
		"toml: line 1 (last key \"a\"): expected a digit but got '\\x00'|"
		"toml: line 1 (last key \"a\"): 1e999 is out of range for float64|"
		"toml: line 1 (last key \"a\"): 99999999999999999999 is out of range for int64");
	HELM("{{(fromToml \"[a]\\n[a]\").Error}}|{{fromToml \"a.b = 1\\n[a]\"}}|{{(fromToml \"a = 1\\na.b = 2\").Error}}", NULL,
		"toml: line 2: Key 'a' has already been defined.|map[a:map[b:1]]|"
		"toml: line 2 (last key \"a.b\"): Key 'a' has already been defined.");
	HELM("{{(fromToml \"a = 1\\n[a.b]\").Error}}|{{(fromToml \"[[a]]\\n[a]\").Error}}|{{(fromToml \"a = 1\\n[[a]]\").Error}}",
		NULL,
		"toml: line 2: Key 'a' was already created as a hash.|toml: line 2: Key 'a' has already been defined.|"
		"toml: line 2: Key 'a' was already created and cannot be used as an array.");
	/* local date-times parse in internal/tz.go's zones, named by kind */
	HELM("{{(fromToml \"a = 1979-05-27\").a}}|{{(fromToml \"a = 07:32:00\").a}}|{{(fromToml \"a = 1979-05-27T07:32:00\").a}}",
		NULL, "1979-05-27 00:00:00 +0000 date-local|0000-01-01 07:32:00 +0000 time-local|"
		"1979-05-27 07:32:00 +0000 datetime-local");
	/* escapes: TOML 1.1's \\x, the lexer's digit errors with lx.current() */
	HELM("{{(fromToml \"a = \\\"\\\\xe9\\\"\").a}}|{{(fromToml \"a = \\\"\\\\u0e9\\\"\").Error}}", NULL,
		"\xc3\xa9|toml: line 1 (last key \"a\"): expected four hexadecimal digits after '\\u', but got \"\\\\u0e9\\\"\" instead");
	HELM("{{(fromToml \"a = \\\"\\\\ud800\\\"\").Error}}", NULL,
		"toml: line 1 (last key \"a\"): Escaped character '\\ud800' is not valid UTF-8.");
	/* the lexer's datetime token, dtTypes' layouts (seconds-less too) and ranges */
	HELM("{{(fromToml \"a = 1979-05\").Error}}|{{(fromToml \"a = 07:32:60\").Error}}|{{(fromToml \"a = 1979-02-29\").Error}}",
		NULL, "toml: line 1 (last key \"a\"): invalid datetime: \"1979-05\"|"
		"toml: line 1 (last key \"a\"): invalid datetime: \"07:32:60\"|"
		"toml: line 1 (last key \"a\"): invalid datetime: \"1979-02-29\"");
	HELM("{{(fromToml \"a = 07:32\").a}}|{{(fromToml \"a = 1979-05-27t07:32z\").a}}", NULL,
		"0000-01-01 07:32:00 +0000 time-local|1979-05-27 07:32:00 +0000 UTC");
	/* static arrays are not arrays of tables; a dotted key replaces one */
	HELM("{{(fromToml \"a = [1]\\n[[a]]\").Error}}|{{(fromToml \"a = [{b = 1}]\\n[a.c]\").Error}}|{{fromToml \"a = [1]\\na.b = 2\"}}",
		NULL, "toml: line 2: Key 'a' was already created and cannot be used as an array.|"
		"toml: line 2: Key 'a' was already created as a hash.|map[a:map[b:2]]");
	HELM("{{(fromToml \"a = 'x'\\na.b = \").Error}}", NULL,
		"toml: line 2 (last key \"a.b\"): unexpected EOF; expected value");
	/* dblQuotedReplacer writes \u escapes in lower case */
	HELM("{{toToml (dict \"k\" (printf \"%c\" 11))}}", NULL, "k = \"\\u000b\"\n");
}

Test(helm, functions)
{
	HELM("{{toYaml .}}", "b: [1, {c: x}]\na: 1.5", "a: 1.5\nb:\n- 1\n- c: x");
	HELM("{{(fromYaml \"a: 1\").a | typeOf}}|{{fromYaml \"- x\"}}", NULL,
		"float64|map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}]");
	HELM("{{fromYamlArray \"[1, b]\"}}|{{fromJsonArray \"[1]\"}}|{{(fromJson \"x\").Error}}", NULL,
		"[1 b]|[1]|invalid character 'x' looking for beginning of value");
	HELM("{{toToml (dict \"a\" 1 \"t\" (dict \"k\" \"v\"))}}", NULL, "a = 1\n\n[t]\n  k = \"v\"\n");
	HELM("{{fromToml \"[[x]]\\ny = 1\\n[[x]]\\ny = 2\"}}", NULL, "map[x:[map[y:1] map[y:2]]]");
	HELM("{{define \"h\"}}<{{.}}>{{end}}{{include \"h\" 3}}|{{tpl \"{{.a}}{{.b}}\" (dict \"a\" 1)}}|{{lookup \"v1\" \"Pod\" \"\" \"\"}}",
		NULL, "<3>|1|map[]");
	int rc;
	char *o = run(GT_FUNCS_HELM, "{{required \"need x\" .x}}", "a: 1", &rc);
	cr_assert_neq(rc, 0);
	cr_assert(strstr(o, "error calling required: need x") != NULL, "%s", o);
	free(o);
	o = run(GT_FUNCS_HELM, "{{env \"HOME\"}}", NULL, &rc);
	cr_assert_neq(rc, 0, "env is not in Helm's map");
	free(o);
}
