import type { StateCreator } from 'zustand';
import { COMMANDS, type StaffMember } from './commands';
import type { AppDeps, Store, SessionSlice } from './shape';

export type { SessionSlice } from './shape';

export const sessionSlice =
  (deps: AppDeps): StateCreator<Store, [], [], SessionSlice> =>
  (set, get) => ({
    staff: null,
    signingIn: false,
    signInError: null,
    async signIn(pin) {
      if (get().signingIn) return;
      set({ signingIn: true, signInError: null });
      const r = await deps.host.call<StaffMember>(COMMANDS.signIn, { pin });
      if (r.ok) set({ staff: r.value, signingIn: false });
      else if (r.unreachable) set({ signingIn: false, host: 'unreachable', hostDetail: r.detail });
      else set({ signingIn: false, signInError: r.error });
    },
    async signOut() {
      set({ staff: null, signInError: null });
      await deps.host.call(COMMANDS.signOut);
    },
  });
