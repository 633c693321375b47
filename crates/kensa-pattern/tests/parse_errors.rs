//! Parse errors for typical mistakes: where, what was expected, what was found.

use kensa_pattern::FilterPattern;

fn render(text: &str) -> String {
    match FilterPattern::parse(text) {
        Ok(p) => panic!("{text} parsed as {p}"),
        Err(e) => format!("{e}\n{}", e.render(text)),
    }
}

#[test]
fn unclosed_brace() {
    insta::assert_snapshot!(render(r#"{ $.eventName = "ConsoleLogin""#), @r#"
    at column 31: expected `&&`, `||` or `}`, found end of pattern
    { $.eventName = "ConsoleLogin"
                                  ^ expected `&&`, `||` or `}`, found end of pattern
    "#);
}

#[test]
fn missing_value() {
    insta::assert_snapshot!(render("{ $.eventName = }"), @r"
    at column 17: expected a value, found `}`
    { $.eventName = }
                    ^ expected a value, found `}`
    ");
}

#[test]
fn and_at_the_end() {
    insta::assert_snapshot!(render("{ $.eventName = ConsoleLogin && }"), @r"
    at column 33: expected a selector such as `$.eventName`, found `}`
    { $.eventName = ConsoleLogin && }
                                    ^ expected a selector such as `$.eventName`, found `}`
    ");
}

#[test]
fn bad_regex() {
    insta::assert_snapshot!(render("{ $.eventName = %Put(Bucket)% }"), @r"
    at column 21: expected a regex without ( or ) (CloudWatch Logs does not support groups), found `(`
    { $.eventName = %Put(Bucket)% }
                        ^ expected a regex without ( or ) (CloudWatch Logs does not support groups), found `(`
    ");
    insta::assert_snapshot!(render("%something!%"), @r"
    at column 11: expected a regex character CloudWatch Logs supports (not '!'), found `!`
    %something!%
              ^ expected a regex character CloudWatch Logs supports (not '!'), found `!`
    ");
    insta::assert_snapshot!(render("%[abc%"), @r"
    at column 2: expected a valid regular expression (unclosed character class), found `[`
    %[abc%
     ^ expected a valid regular expression (unclosed character class), found `[`
    ");
    insta::assert_snapshot!(render("%unterminated"), @r"
    at column 14: expected a closing `%` after the regex, found end of pattern
    %unterminated
                 ^ expected a closing `%` after the regex, found end of pattern
    ");
}

#[test]
fn too_many_regexes() {
    insta::assert_snapshot!(render("{ $.a = %x% || $.b = %y% || $.c = %z% }"), @r"
    at column 35: expected at most 2 regular expressions in a JSON or space-delimited pattern, found `%`
    { $.a = %x% || $.b = %y% || $.c = %z% }
                                      ^ expected at most 2 regular expressions in a JSON or space-delimited pattern, found `%`
    ");
}

#[test]
fn selector_mistakes() {
    insta::assert_snapshot!(render("{ eventName = ConsoleLogin }"), @r"
    at column 3: expected a selector such as `$.eventName`, found `eventName`
    { eventName = ConsoleLogin }
      ^ expected a selector such as `$.eventName`, found `eventName`
    ");
    insta::assert_snapshot!(render("{ $.eventName == ConsoleLogin }"), @r"
    at column 16: expected a value, found `=`
    { $.eventName == ConsoleLogin }
                   ^ expected a value, found `=`
    ");
    insta::assert_snapshot!(render("{ $.users[x] = 1 }"), @r"
    at column 11: expected an array index, found `x`
    { $.users[x] = 1 }
              ^ expected an array index, found `x`
    ");
    insta::assert_snapshot!(render("{ $.a IS MAYBE }"), @r"
    at column 10: expected NULL, TRUE or FALSE after IS, found `MAYBE`
    { $.a IS MAYBE }
             ^ expected NULL, TRUE or FALSE after IS, found `MAYBE`
    ");
    insta::assert_snapshot!(render("{ $.a > abc }"), @r"
    at column 9: expected a number after `>`, found `abc`
    { $.a > abc }
            ^ expected a number after `>`, found `abc`
    ");
}

#[test]
fn unbalanced_parentheses_and_trailing_text() {
    insta::assert_snapshot!(render("{ ($.a = 1 }"), @r"
    at column 12: expected `&&`, `||` or `)`, found `}`
    { ($.a = 1 }
               ^ expected `&&`, `||` or `)`, found `}`
    ");
    insta::assert_snapshot!(render("{ $.a = 1 } extra"), @r"
    at column 13: expected end of pattern, found `extra`
    { $.a = 1 } extra
                ^ expected end of pattern, found `extra`
    ");
}

#[test]
fn unclosed_quote() {
    insta::assert_snapshot!(render(r#"ERROR "Failed to"#), @r#"
    at column 17: expected a closing `"` for the string opened at column 7, found end of pattern
    ERROR "Failed to
                    ^ expected a closing `"` for the string opened at column 7, found end of pattern
    "#);
}

#[test]
fn delimited_mistakes() {
    insta::assert_snapshot!(render("[ip, user"), @r"
    at column 10: expected `,`, `]` or an operator (=, !=, <, <=, >, >=), found end of pattern
    [ip, user
             ^ expected `,`, `]` or an operator (=, !=, <, <=, >, >=), found end of pattern
    ");
    insta::assert_snapshot!(render("[ip, , user]"), @r"
    at column 6: expected a field name, `...`, or `name OP value`, found `,`
    [ip, , user]
         ^ expected a field name, `...`, or `name OP value`, found `,`
    ");
    insta::assert_snapshot!(render("[]"), @r"
    at column 2: expected a field name, `...`, or `name OP value`, found `]`
    []
     ^ expected a field name, `...`, or `name OP value`, found `]`
    ");
    insta::assert_snapshot!(render("[a, status = ]"), @r"
    at column 14: expected a value, found `]`
    [a, status = ]
                 ^ expected a value, found `]`
    ");
}

#[test]
fn dangling_modifiers() {
    insta::assert_snapshot!(render("ERROR ?"), @r"
    at column 8: expected a term, found end of pattern
    ERROR ?
           ^ expected a term, found end of pattern
    ");
    insta::assert_snapshot!(render("ERROR -"), @r"
    at column 8: expected a term, found end of pattern
    ERROR -
           ^ expected a term, found end of pattern
    ");
}
