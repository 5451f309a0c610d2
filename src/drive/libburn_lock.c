/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The process-wide libburn lock (drive_int.h). */
#include <pthread.h>
#include "drive/drive_int.h"

static pthread_mutex_t libburn_mutex = PTHREAD_MUTEX_INITIALIZER;

void dw__libburn_lock(void)
{
    pthread_mutex_lock(&libburn_mutex);
}

void dw__libburn_unlock(void)
{
    pthread_mutex_unlock(&libburn_mutex);
}
