import { Module } from '@nestjs/common';
import { ProblemsController } from './problems.controller';

/** `/problems/*`: what each problem type means. The filter rendering every error is a global, registered by AppModule. */
@Module({
  controllers: [ProblemsController],
})
export class ProblemsModule {}
