/* discwright internal: helpers shared by the disc-layer writers. */
#ifndef DW_DISC_INT_H
#define DW_DISC_INT_H

#include <stdint.h>

/* The next character of NUL-ended text *s as ISO 8859-1, advancing *s past
 * it: a UTF-8 sequence of U+0001..U+00FF gives its byte, other code points
 * '?'; a byte that does not start a valid UTF-8 sequence is taken as ISO
 * 8859-1 already.  *s must not point at the NUL. */
uint8_t dw__latin1_next(const unsigned char **s);

#endif
