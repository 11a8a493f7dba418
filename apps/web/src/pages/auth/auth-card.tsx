import type { FormEvent, ReactNode } from 'react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';

/** The centred card the bootstrap and login forms share. */
export function AuthCard(props: {
  title: string;
  description: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
}) {
  return (
    <main className="flex min-h-full items-center justify-center p-4">
      <Card className="w-full max-w-sm">
        <CardHeader>
          <p className="text-sm font-semibold tracking-tight text-primary">Crewship</p>
          <CardTitle>
            <span className="text-xl">{props.title}</span>
          </CardTitle>
          <CardDescription>{props.description}</CardDescription>
        </CardHeader>
        <CardContent>
          <form
            className="grid gap-4"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              props.onSubmit(event);
            }}
          >
            {props.children}
          </form>
        </CardContent>
      </Card>
    </main>
  );
}
