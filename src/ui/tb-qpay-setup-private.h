/* tb-qpay-setup-private.h: what the parts of TbQpaySetup share (not public)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "tb-qpay-setup.h"

G_BEGIN_DECLS

struct _TbQpaySetup
{
  GObject            parent_instance;

  TbLedger          *ledger;
  GSettings         *settings;

  /* The simulator: ours (started in demo mode) or one the tests handed in. */
  TbSimServer       *sim;
  TbSimServer       *external_sim;

  /* The current services (tb-stack.h); replaced as a whole by a rebuild. */
  TbStack           *stack;
  TbStackTiming      timing;

  TbQpaySetupState   state;
  char              *problem;
  char              *banner;
  gboolean           demo;
  char              *swept_environment;

  /* The secret the user typed this session, or found in the keyring, for one environment
   * and client id. Wiped when replaced. */
  char              *secret;
  char              *secret_environment;
  char              *secret_client_id;
  gboolean           keyring_available;

  guint              generation;
  guint              reconfigure_source;
  GCancellable      *cancellable;
  gboolean           started;
};

enum {
  CHANGED,
  PAYMENT_SETTLED,
  INTENT_CHANGED,
  RECEIPT_CHANGED,
  N_SIGNALS
};

extern guint _tb_qpay_setup_signals [N_SIGNALS];

/* tb-qpay-setup.c: the object, its state, and which services the settings ask for */
char                *_tb_qpay_setup_dup_setting            (TbQpaySetup       *self,
                                                            const char        *key);
TbQpayEnvironment    _tb_qpay_setup_configured_environment (TbQpaySetup       *self);
void                 _tb_qpay_setup_set_state              (TbQpaySetup       *self,
                                                            TbQpaySetupState   state,
                                                            const char        *problem,
                                                            const char        *banner);
void                 _tb_qpay_setup_reconfigure            (TbQpaySetup       *self);

/* tb-qpay-setup-build.c: TbStackConfig from the settings, the stack, the demo simulator */
char                *_tb_qpay_setup_dup_base_url           (TbQpayEnvironment  env);
void                 _tb_qpay_setup_teardown_services      (TbQpaySetup       *self);
void                 _tb_qpay_setup_stop_own_sim           (TbQpaySetup       *self);
void                 _tb_qpay_setup_apply_receipt_settings (TbQpaySetup       *self);
gboolean             _tb_qpay_setup_ensure_sim             (TbQpaySetup       *self,
                                                            GError           **error);
void                 _tb_qpay_setup_build_demo             (TbQpaySetup       *self,
                                                            const char        *banner);
void                 _tb_qpay_setup_build_real             (TbQpaySetup       *self,
                                                            TbQpayEnvironment  env,
                                                            const char        *secret);
const char          *_tb_qpay_setup_not_set_up_banner      (void);

/* tb-qpay-setup-secret.c: the client secret, in memory and in the keyring */
void                 _tb_qpay_setup_wipe_free              (char              *text);
const char          *_tb_qpay_setup_memory_secret_for      (TbQpaySetup       *self,
                                                            const char        *environment,
                                                            const char        *client_id);
void                 _tb_qpay_setup_remember_secret        (TbQpaySetup       *self,
                                                            const char        *environment,
                                                            const char        *client_id,
                                                            const char        *secret);
/* Starts looking the secret up in the keyring (state STARTING), then builds; FALSE, doing
 * nothing, without a keyring. */
gboolean             _tb_qpay_setup_lookup_secret          (TbQpaySetup       *self,
                                                            const char        *environment,
                                                            const char        *client_id);
#if HAVE_LIBSECRET
const SecretSchema  *_tb_qpay_setup_secret_schema          (void);
#endif

G_END_DECLS
