import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/** Sets one query parameter of the page's URL (an empty value or null removes it), replacing the history entry. */
export function useSetSearchParam(): (name: string, value: string | null) => void {
  const [, setParams] = useSearchParams();
  return useCallback(
    (name, value) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (value) next.set(name, value);
          else next.delete(name);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
}
