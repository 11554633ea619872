/**
 * Screens contributed by other parts of the app, mounted by App in their slot.
 *
 * ── MANAGER SLOT ──
 * The manager stream mounts its area here: set `managerArea` to its root component (src-renderer/ui/manager/*),
 * shown under the "Manager" tab to signed-in managers. Null: no manager tab.
 */
import type { ComponentType } from 'react';

export const managerArea: ComponentType | null = null;
