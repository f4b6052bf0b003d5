#ifndef PAYDESK_CNCURSESW_SHIM_H
#define PAYDESK_CNCURSESW_SHIM_H
// Without NCURSES_WIDECHAR get_wch and the wide-character output calls are not declared.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Globals and macros exposed as functions so Swift never touches mutable C globals directly.
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline int cn_set_escdelay(int ms) { return set_escdelay(ms); }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline int cn_err(void) { return ERR; }
static inline int cn_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cn_key_f(int n) { return KEY_F(n); }
static inline void cn_setlocale_all(void) { setlocale(LC_ALL, ""); }
#endif
