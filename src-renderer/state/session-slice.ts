import type { StateCreator } from 'zustand';
import { call } from './commands';
import type { AppDeps, Store, SessionSlice } from './shape';

export type { SessionSlice } from './shape';

export const sessionSlice =
  (deps: AppDeps): StateCreator<Store, [], [], SessionSlice> =>
  (set, get) => ({
    staffList: null,
    pickedStaffId: null,
    staff: null,
    signingIn: false,
    signInError: null,
    async loadStaff() {
      const r = await call(deps.host, 'staff.list', {});
      if (r.ok) {
        const list = [...r.value];
        // One person at this till: picked already, the PIN field is next.
        set((s) => ({
          staffList: list,
          pickedStaffId: s.pickedStaffId ?? (list.length === 1 ? list[0]!.staffId : null),
        }));
      } else if (r.unreachable) set({ host: 'unreachable', hostDetail: r.detail });
    },
    pickStaff(staffId) {
      set({ pickedStaffId: staffId, signInError: null });
    },
    async signIn(pin) {
      const staffId = get().pickedStaffId;
      if (get().signingIn || !staffId) return;
      set({ signingIn: true, signInError: null });
      const r = await call(deps.host, 'staff.verify', { staffId, pin });
      if (r.ok) {
        set({ staff: r.value, signingIn: false, screen: 'sale', managerStartView: null });
        await get().restoreBasket();
      } else if (r.unreachable) set({ signingIn: false, host: 'unreachable', hostDetail: r.detail });
      else {
        set({ signingIn: false, signInError: r.error });
        if (r.error.code === 'STAFF_LOCKED_OUT') void get().loadStaff();
      }
    },
    managerStartView: null,
    async createFirstManager(input) {
      const made = await call(deps.host, 'staff.enroll', { ...input, role: 'MANAGER' });
      if (!made.ok) {
        if (made.unreachable) set({ host: 'unreachable', hostDetail: made.detail });
        return made.unreachable ? { code: 'HOST_UNREACHABLE', message: made.detail } : made.error;
      }
      const r = await call(deps.host, 'staff.verify', { staffId: input.staffId, pin: input.pin });
      if (!r.ok) return r.unreachable ? { code: 'HOST_UNREACHABLE', message: r.detail } : r.error;
      set({ staff: r.value, pickedStaffId: input.staffId, screen: 'manager', managerStartView: 'settings' });
      await get().loadStaff();
      return null;
    },
    async signOut() {
      // The host keeps the basket; nothing to tell it. The next cashier picks themselves and continues.
      set({ staff: null, signInError: null, pickedStaffId: null, managerStartView: null });
      await get().loadStaff();
    },
  });
