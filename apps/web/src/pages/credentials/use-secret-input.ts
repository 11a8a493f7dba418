import { useRef } from 'react';

/**
 * The uncontrolled `value` input of a form: the secret never enters React state or a DOM attribute; it
 * is read on submit and cleared when the dialog closes.
 */
export function useSecretInput() {
  const formRef = useRef<HTMLFormElement>(null);
  const input = () => formRef.current?.elements.namedItem('value') as HTMLInputElement | null;
  return {
    formRef,
    read: () => input()?.value ?? '',
    clear: () => {
      const element = input();
      if (element) element.value = '';
    },
  };
}
