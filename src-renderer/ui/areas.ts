/**
 * Screens contributed by other parts of the app, mounted by App in their slot.
 *
 * ── MANAGER SLOT ──
 * The manager's area (src-renderer/ui/manager/*), shown under the "Manager" tab to signed-in managers; it
 * uses the app's host link (HostLinkContext, provided by App).
 */
import type { ComponentType } from 'react';
import { ManagerRoot } from './manager/ManagerEntry';

export const managerArea: ComponentType | null = ManagerRoot;
