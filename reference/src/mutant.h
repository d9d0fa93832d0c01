/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test-only mutants (docs/conformance.md, "Self-check by mutation"): a build with AMP_MUTANT
 * defined to one of these breaks the protocol in exactly one way, so that the conformance
 * harness can show it catches that break with the rule it names (conformance/iut/mutants.txt
 * lists each with its role, rule and scenarios; conformance/iut/CMakeLists.txt builds one IUT
 * module per line). Product builds never define it, and every AMP_MUTANT_IS() is then a
 * constant false the compiler removes.
 *
 * The mutations are plain C conditions, not #if blocks: every variant is compiled and
 * type-checked in every build, so a mutant cannot rot unnoticed while the product builds.
 */
#ifndef AMP_MUTANT_H
#define AMP_MUTANT_H

#define AMP_MUTANT_NONE 0
/* Driver: avail.idx is published before the avail ring entry it exposes (DRV-001). */
#define AMP_MUTANT_IDX_BEFORE_ENTRY 1
/* Device: used.idx is published before the used element it covers (DEV-002). */
#define AMP_MUTANT_USED_IDX_BEFORE_ELEM 2
/* Driver: no write barrier between the ring entries and avail.idx (DRV-010). */
#define AMP_MUTANT_NO_WRITE_BARRIER 3
/* Device: no write barrier between the used elements and used.idx (DEV-007). */
#define AMP_MUTANT_NO_USED_BARRIER 4
/* Device: used.id is the head + 1 (DEV-001). */
#define AMP_MUTANT_USED_ID_OFF_BY_ONE 5
/* Device: each used element repeats the id of the element before it (DEV-001). */
#define AMP_MUTANT_USED_ID_DUPLICATE 6
/* Device: used.len is one more than the chain can hold (DEV-003). */
#define AMP_MUTANT_USED_LEN_TOO_LARGE 7
/* Device: writes into the device-readable vring1 buffer it received (DEV-004). */
#define AMP_MUTANT_WRITE_READABLE_BUFFER 8
/* Either role: never kicks the ring it transmits on (NOTIF-003 for the driver's vring1,
 * NOTIF-004 for the device's vring0). */
#define AMP_MUTANT_MISSING_KICK 9
/* Either role: kicks after every publication, whatever the peer's suppression says
 * (NOTIF-010). */
#define AMP_MUTANT_KICK_WHILE_SUPPRESSED 10
/* Either role: the name-service record's 32-byte name has no NUL (NS-003). */
#define AMP_MUTANT_NS_NAME_UNTERMINATED 11
/* Either role: runs the name service although F_NS was not negotiated (NS-001). */
#define AMP_MUTANT_NS_WITHOUT_FEATURE 12
/* Either role: dynamic endpoint addresses are allocated from 256, below 1024 (RPMSG-010). */
#define AMP_MUTANT_DYNAMIC_ADDR_LOW 13
/* Either role: a message to an unbound address is dropped and its buffer kept; the rule judges
 * the device (RPMSG-009). */
#define AMP_MUTANT_UNKNOWN_DST_BUFFER_KEPT 14
#define AMP_MUTANT_COUNT                   15

#ifndef AMP_MUTANT
#define AMP_MUTANT AMP_MUTANT_NONE
#endif

/* A build asked for a mutant that does not exist must not pass as the reference. */
_Static_assert(AMP_MUTANT >= AMP_MUTANT_NONE && AMP_MUTANT < AMP_MUTANT_COUNT,
	       "AMP_MUTANT names no mutant of reference/src/mutant.h");

/* Is this build the mutant @name (AMP_MUTANT_<name>)? A misspelt name does not compile. */
#define AMP_MUTANT_IS(name) (AMP_MUTANT == AMP_MUTANT_##name)

#endif /* AMP_MUTANT_H */
