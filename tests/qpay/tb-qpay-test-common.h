/* tb-qpay-test-common.h: a simulator + client fixture for the QPay tests
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tb-qpay-client.h"
#include "tb-sim-server.h"

G_BEGIN_DECLS

typedef struct
{
  TbSimServer  *sim;
  TbQpayClient *client;
} QpayFixture;

/* Starts a simulator on 127.0.0.1 and a client for it with a 10 s timeout (valgrind is
 * slow) and fast retries (3 attempts, 5–20 ms apart). */
void           qpay_fixture_setup    (QpayFixture    *fixture,
                                      gconstpointer   data);
void           qpay_fixture_teardown (QpayFixture    *fixture,
                                      gconstpointer   data);
TbQpayClient  *qpay_client_new       (TbSimServer    *sim,
                                      TbQpayTokenStore *store);

/* Runs the main loop until an async call finishes; returns its result (unref it). */
typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} AsyncWait;

void           async_wait_cb         (GObject        *source,
                                      GAsyncResult   *result,
                                      gpointer        user_data);
GAsyncResult  *async_wait            (AsyncWait      *wait);

/* Synchronous wrappers for tests. */
TbQpayInvoice     *qpay_create_simple (TbQpayClient  *client,
                                       gint64         amount,
                                       GError       **error);
TbQpayCheckResult *qpay_check         (TbQpayClient  *client,
                                       const char    *invoice_id,
                                       guint          page_number,
                                       guint          page_limit,
                                       GError       **error);

/* Drains pending sources (closing connections, finished tasks). */
void           drain_main_context    (void);

G_END_DECLS
