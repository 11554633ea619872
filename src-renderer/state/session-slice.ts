import type { StateCreator } from 'zustand';
import { COMMANDS, type StaffMember } from './commands';
import type { AppDeps, Store } from './store';

export interface SessionSlice {
  staff: StaffMember | null;
  signingIn: boolean;
  /** The host's refusal (wrong PIN, locked out), in the host's words; null when there is none. */
  signInError: { code: string; message: string } | null;
  signIn(pin: string): Promise<void>;
  /** Signs out; the basket stays, so the next cashier can take over the sale ("switch user"). */
  signOut(): Promise<void>;
}

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
